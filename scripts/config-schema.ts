/** npm run schema: writes schemas/concurrency-lens.schema.json from package.json's contributed settings. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configFileSchema } from '../server/src/config-schema';

const root = path.resolve(__dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, 'schemas', 'concurrency-lens.schema.json');
fs.mkdirSync(path.dirname(out), { recursive: true });
fs.writeFileSync(out, JSON.stringify(configFileSchema(pkg.contributes.configuration.properties), null, 2) + '\n');
console.log(`wrote ${path.relative(root, out)}`);
