/**
 * bench/stage-cpu.bench.ts measures chat2api by applying marks.patch to a scratch worktree of HEAD: a change to a file
 * the patch touches can make it stop applying, which nothing but a by-hand run of the bench would otherwise notice.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";

const ROOT = join(import.meta.dir, "../..");

test("marks.patch still applies to the tree", () => {
  // `git apply` also works on a tree without .git (a tarball of the sources), relative to the working directory
  const check = Bun.spawnSync(["git", "apply", "--check", join(import.meta.dir, "marks.patch")], { cwd: ROOT, stderr: "pipe" });
  expect(check.stderr.toString()).toBe("");
  expect(check.exitCode).toBe(0);
});
