/**
 * NeedleIndex finds exactly what one Buffer.includes per needle finds: needles planted at every
 * offset around the sampling stride, at both ends, in real key needles, and nothing in clean data.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { NeedleIndex } from '../../src/sign/needle-scan.js';
import { keyNeedles } from '../../src/sign/key-leak.js';

test('every planted needle is found by the sampled scan, wherever it sits; clean data gives nothing', () => {
  const needles = [randomBytes(16), randomBytes(24), randomBytes(64), Buffer.from('a'.repeat(10))].map((needle, i) => ({ needle, owner: i }));
  // directBelow 0: the sampled scan even for small data (it is what large artifacts get).
  const index = new NeedleIndex(needles, { directBelow: 0 });
  const direct = new NeedleIndex(needles);
  const clean = randomBytes(4096);
  assert.equal(index.find(clean), undefined);
  for (const { needle, owner } of needles) {
    for (let at = 0; at <= 40; at++) {
      const hay = Buffer.concat([clean.subarray(0, at), needle, clean.subarray(0, 40 - at)]);
      assert.equal(index.find(hay), owner, `needle ${owner} at ${at}`);
      assert.equal(direct.find(hay), owner, `needle ${owner} at ${at}, one includes per needle`);
    }
    assert.equal(index.find(needle), owner, 'the needle alone');
    assert.equal(index.find(needle.subarray(1)), needles.find((n) => n.owner !== owner && needle.subarray(1).includes(n.needle))?.owner, 'a needle cut short is not a hit');
  }
});

test('real key needles: same answer as Buffer.includes on large data, at a fraction of the passes', () => {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const needles = keyNeedles(privateKey);
  const index = new NeedleIndex(needles.map((needle) => ({ needle, owner: needle })));
  const big = randomBytes(8 << 20);
  assert.equal(index.find(big), undefined);
  for (const n of [needles[0], needles[needles.length - 1], needles[Math.floor(needles.length / 2)]]) {
    const at = 5 << 20;
    const hay = Buffer.from(big);
    n.copy(hay, at);
    const found = index.find(hay);
    assert.ok(found && hay.includes(found), 'the needle found is in the data');
  }
});
