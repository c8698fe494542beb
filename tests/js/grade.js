// Runs the book's grader (coursekit/static/grader.js) on a batch of (key, response, tries) read from
// stdin as JSON, and prints the results as JSON: the JavaScript half of tests/test_grader.py.
"use strict";
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
const makeGrader = require(path.join(root, "coursekit", "static", "grader.js"));
const spec = JSON.parse(fs.readFileSync(path.join(root, "coursekit", "grading.json"), "utf8"));
const grader = makeGrader(spec);
const batch = JSON.parse(fs.readFileSync(0, "utf8"));
const out = batch.map(function (job) {
  if (job.parse !== undefined) return grader.parseNumber(job.parse);
  return grader.grade(job.key, job.response, job.tries);
});
process.stdout.write(JSON.stringify(out));
