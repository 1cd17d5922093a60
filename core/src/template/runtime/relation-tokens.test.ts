import v8 from 'node:v8';
import vm from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { PRINTS_TOKEN, TOKEN_END, TOKEN_START, onTokenRead, readsText } from './relation-tokens.js';

afterEach(() => onTokenRead(null));

describe('relation tokens', () => {
  it('tells the listener about text holding a token and objects that print as one, nothing else', () => {
    let told = 0;
    const listener = () => told++;
    onTokenRead(listener);
    readsText('select 1');
    readsText(42);
    readsText({ name: 'x' });
    readsText(null);
    expect(told).toBe(0);
    readsText(`from ${TOKEN_START}3${TOKEN_END} as t`);
    readsText({ [PRINTS_TOKEN]: true });
    expect(told).toBe(2);
    onTokenRead(null);
    readsText(`${TOKEN_START}0${TOKEN_END}`);
    expect(told).toBe(2);
  });

  it('holds the listener weakly: a finished compile is not kept alive by it', async () => {
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    let collected = false;
    const registry = new FinalizationRegistry(() => (collected = true));
    (() => {
      const listener = () => undefined;
      registry.register(listener, 'listener');
      onTokenRead(listener);
    })();
    for (let i = 0; i < 20 && !collected; i++) {
      // A new task first: an object a WeakRef was made for is kept until the current one ends.
      await new Promise((resolve) => setTimeout(resolve, 5));
      gc();
    }
    expect(collected).toBe(true);
  });
});
