/**
 * Transpile-only jest (SWC): type checking is its own step (`npm run typecheck`),
 * which keeps a Pulumi mock test at about a second instead of ten.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Tests that start real servers (Jaeger) on loopback run with `npm run test:live`.
  testPathIgnorePatterns: process.env.LIVE_TESTS === "1" ? [] : ["\\.live\\.test\\.ts$"],
  maxWorkers: 2,
  reporters: ["default", "<rootDir>/test/helpers/summary-reporter.js"],
  transform: {
    "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }],
  },
  moduleFileExtensions: ["ts", "js", "json"],
  testTimeout: 60000,
};
