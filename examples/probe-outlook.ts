// A probe as the seed paper describes it: a small sample, the raw structure printed, nothing written.
const since = new Date(Date.now() - 15 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const page = await tools.outlook__list_messages({
  $top: 5,
  $filter: `receivedDateTime ge ${since} and hasAttachments eq true`,
  $select: "subject,from,receivedDateTime,hasAttachments",
});
console.log(page);
