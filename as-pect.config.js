export default {
  /**
   * A set of globs passed to the glob package that qualify typescript files for testing.
   */
  entries: ["assembly/__tests__/**/*.spec.ts"],
  /**
   * A set of globs passed to the glob package that quality files to be added to each test.
   */
  include: ["assembly/__tests__/**/*.include.ts"],
  /**
   * A set of regexp that will disclude source files from testing.
   */
  disclude: [/node_modules/],
  /**
   * Imports for the test modules. asconfig.json's `entries` (assembly/index.ts) are compiled into every
   * test binary, so the kernel's own `env` function imports (e.g. `env.phiCustom`, which the library
   * provides from JS) must be satisfied here too. Every `env` function import that is not given below
   * gets a stub that throws when called, so a spec that really needs one fails loudly.
   */
  async instantiate(memory, createImports, instantiate, binary) {
    const env = { memory };
    const module = await WebAssembly.compile(binary);
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module === "env" && imp.kind === "function" && !(imp.name in env)) {
        env[imp.name] = () => {
          throw new Error(`as-pect: env.${imp.name} is not provided to kernel specs`);
        };
      }
    }
    return instantiate(binary, createImports({ env }));
  },
  /** Enable code coverage. */
  // coverage: ["assembly/**/*.ts"],
  /**
   * Specify if the binary wasm file should be written to the file system.
   */
  outputBinary: false,
};
