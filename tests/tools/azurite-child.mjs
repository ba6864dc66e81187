// Runs Azurite for as long as the process that started us lives: when our stdin closes (the test host
// exited, however it exited), Azurite is stopped too, so no test run leaves one behind.
// Usage: node azurite-child.mjs <path to azurite.js> [azurite arguments...]
import { spawn } from "node:child_process";

const [azurite, ...args] = process.argv.slice(2);
const child = spawn(process.execPath, [azurite, ...args], { stdio: ["ignore", "inherit", "inherit"] });
const stop = () => {
  child.kill();
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.on("error", stop);
process.stdin.resume();
child.on("exit", (code) => process.exit(code ?? 1));
