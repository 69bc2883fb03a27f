/**
 * Ends every jest run with one plain line, "N passed, N failed" (and skipped, if any), that any CI
 * can read without knowing jest's own summary format.
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ""}`;
    process.stdout.write(`${line}\n`);
  }
}
module.exports = SummaryReporter;
