// Loaded with `node --import` into a process under test: appends the name of every npm package the
// process resolves, one per line, to the file named by LOADED_PACKAGES_FILE, so that a test can say
// which heavy dependencies a command really loads.
import { register } from 'node:module';

register(new URL('./loaded-packages-hooks.mjs', import.meta.url), { data: { file: process.env.LOADED_PACKAGES_FILE } });
