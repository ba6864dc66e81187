// Validates function.json files against SchemaStore's function.json schema with draft-07 semantics.
// The schema declares draft-04 but uses `const`, which a draft-04 validator ignores (see
// tests/fixtures/schemas/SOURCE.md), so it is loaded as draft-07, the way SchemaStore checks it.
// Usage: node validate-function-json.mjs <schema.json> <file.json>...
// Prints one JSON line per file: {"file": ..., "valid": bool, "errors": [...]}; exit code 0.
import { readFileSync } from "node:fs";
import Ajv from "ajv";

const [schemaPath, ...files] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
delete schema.$schema;
if (schema.id) {
  schema.$id = schema.id;
  delete schema.id;
}

const ajv = new Ajv({ strict: false, allErrors: false, logger: false });
const validate = ajv.compile(schema);
for (const file of files) {
  const valid = validate(JSON.parse(readFileSync(file, "utf8")));
  const errors = valid ? [] : validate.errors.map((e) => `${e.instancePath} ${e.message}`);
  console.log(JSON.stringify({ file, valid, errors }));
}
