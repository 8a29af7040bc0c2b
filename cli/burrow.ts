#!/usr/bin/env node
/**
 * The `burrow` command (the package's `bin`). Each subcommand lives in its own file
 * of `cli/`; this one dispatches and maps failures to exit codes.
 */
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2));
