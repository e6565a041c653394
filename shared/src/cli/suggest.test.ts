import { describe, expect, it } from 'vitest';
import { closestWord, didYouMean, editDistance } from './suggest.ts';

describe('editDistance', () => {
  it.each([
    ['devices', 'devices', 0],
    ['devcies', 'devices', 1],
    ['lst', 'list', 1],
    ['colour', 'color', 1],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['kitten', 'sitting', 3],
    ['inventroy', 'inventory', 1],
  ])('%s to %s is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestWord', () => {
  const commands = ['devices', 'software', 'assets', 'licenses', 'findings', 'reconcile', 'tokens'];

  it('takes the nearest word within one edit per three letters', () => {
    expect(closestWord('devcies', commands)).toBe('devices');
    expect(closestWord('licences', commands)).toBe('licenses');
    expect(closestWord('token', commands)).toBe('tokens');
    expect(closestWord('DEVICES', commands)).toBe('devices');
  });

  it('takes the one word an abbreviation begins', () => {
    expect(closestWord('rec', commands)).toBe('reconcile');
    expect(closestWord('soft', commands)).toBe('software');
  });

  it('guesses nothing when no word is close or several begin the same way', () => {
    expect(closestWord('banana', commands)).toBeUndefined();
    expect(closestWord('x', commands)).toBeUndefined();
    expect(closestWord('st', ['status', 'start', 'stop'])).toBeUndefined();
    expect(closestWord('sta', ['status', 'start'])).toBeUndefined();
    expect(closestWord('anything', [])).toBeUndefined();
  });

  it('prefers the nearer of two close words, then the first listed', () => {
    expect(closestWord('stat', ['start', 'status', 'stat'])).toBe('stat');
    expect(closestWord('stp', ['stop', 'step'])).toBe('stop');
  });
});

describe('didYouMean', () => {
  it('is the phrase to append, or nothing', () => {
    expect(didYouMean('--jsn', ['--json', '--url'])).toBe(' (did you mean --json?)');
    expect(didYouMean('--frobnicate', ['--json', '--url'])).toBe('');
  });
});
