// The FollowTheMoney export (`mara report --format ftm`) checked against
// FollowTheMoney's own model (npm @alephdata/followthemoney): every entity
// has a known, concrete schema and its required properties; every property
// exists on its schema; every country, topic and other enumerated value is
// one the model knows; every date is an ISO 8601 prefix; every entity
// reference names an entity of the same export. The files checked are the
// report's golden files, which the report tests keep byte for byte equal to
// what `mara report` writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ftm from '@alephdata/followthemoney';

const { Model, defaultModel } = ftm;
const here = path.dirname(fileURLToPath(import.meta.url));
const testdata = path.join(here, '..', '..', 'src', 'report', 'testdata');
const isoDate = /^\d{4}(-\d{2}(-\d{2}(T\d{2}(:\d{2}(:\d{2})?)?)?)?)?$/;

for (const edition of ['public', 'confidential']) {
  test(`the ${edition} FtM export is valid under FollowTheMoney's model`, () => {
    const model = new Model(defaultModel);
    const file = path.join(testdata, `demo_2025_${edition}.ftm`);
    const entities = readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0)
      .map((l) => JSON.parse(l));
    assert.ok(entities.length > 0, `${file} holds no entity`);
    const ids = new Set(entities.map((e) => e.id));
    assert.equal(ids.size, entities.length, 'entity ids repeat');
    for (const raw of entities) {
      const where = `${raw.id} (${raw.schema})`;
      const schema = model.getSchema(raw.schema);  // throws for an unknown schema
      assert.ok(!schema.abstract, `${where}: abstract schema`);
      for (const name of schema.required) {
        assert.ok((raw.properties[name] ?? []).length > 0, `${where}: required ${name} missing`);
      }
      for (const [name, values] of Object.entries(raw.properties)) {
        assert.ok(schema.hasProperty(name), `${where}: no property ${name}`);
        const type = schema.getProperty(name).type;
        assert.ok(Array.isArray(values), `${where}: ${name} is not a list`);
        for (const value of values) {
          assert.equal(typeof value, 'string', `${where}: ${name} holds a non-string`);
          if (type.values instanceof Map && type.values.size > 0) {
            assert.ok(type.values.has(value), `${where}: ${name} = '${value}' is no ${type.name}`);
          }
          if (type.name === 'date') assert.match(value, isoDate, `${where}: ${name} = '${value}'`);
          if (type.isEntity) assert.ok(ids.has(value), `${where}: ${name} names unknown ${value}`);
          if (type.maxLength) assert.ok(value.length <= type.maxLength, `${where}: ${name} too long`);
        }
      }
      const entity = model.getEntity(raw);
      assert.equal(entity.id, raw.id);
    }
  });
}
