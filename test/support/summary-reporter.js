/**
 * Ends a jest run with the plain line CI reads: "N passed, N failed". It is printed as the process
 * exits, so it comes after jest's own summary. Suites that fail to load count as failures, so a broken
 * import cannot pass as "0 failed".
 */
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    process.once('exit', () => process.stderr.write(`${results.numPassedTests} passed, ${failed} failed\n`));
  }
}
module.exports = SummaryReporter;
