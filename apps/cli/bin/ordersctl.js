#!/usr/bin/env node
// The `bin` that pnpm and npm link. It lives outside dist/ because pnpm links a workspace
// package's bin during `pnpm install`, before the postinstall build has written dist/: a bin
// pointing into dist/ is skipped then ("Failed to create bin"), and a fresh checkout would have
// no node_modules/.bin/ordersctl. dist/main.js runs when it sees this file as the program.
import '../dist/main.js';
