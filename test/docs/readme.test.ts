import * as fs from "fs";
import * as path from "path";
import { readmeWithReference } from "../../scripts/config-reference";

describe("README", () => {
  const readme = fs.readFileSync(path.join(__dirname, "..", "..", "README.md"), "utf8");

  it("has the config reference of the current defaults (npm run docs:config)", () => {
    expect(readme).toBe(readmeWithReference(readme));
  });

  it("names the test command that CI runs", () => {
    const ci = fs.readFileSync(path.join(__dirname, "..", "..", ".ci", "run"), "utf8");
    expect(ci).toMatch(/^npm run check$/m);
    expect(readme).toContain("npm run check");
  });
});
