#!/usr/bin/env node
// The `escript` entry point (the package's bin and the path the kernelspec installs): the application is in app/.
import { main } from './app/cli';

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
