import { describe, expect, it } from 'vitest';
import { addressProblem, addressProblemText } from '../../src/public-url.ts';

describe('addressProblem', () => {
  it.each([
    'http://localhost:8080',
    'https://localhost:8443',
    'http://127.0.0.1:8080',
    'http://127.1.2.3',
    'http://[::1]:8080',
    'http://0.0.0.0:8080',
    'https://piaojue.localhost',
  ])('%s sends phones to this computer: localhost', (url) => {
    expect(addressProblem(url)).toBe('localhost');
  });

  it.each(['http://192.168.1.20:8080', 'http://vote.example.org'])('%s is reachable but not a secure context: plain_http', (url) => {
    expect(addressProblem(url)).toBe('plain_http');
  });

  it.each(['https://192.168.1.20:8443', 'https://vote.example.org', 'https://127-0-0-1.example.org'])('%s is fine for phones', (url) => {
    expect(addressProblem(url)).toBeUndefined();
  });

  it('names the address and the variable to set, in both languages', () => {
    const text = addressProblemText('localhost', 'http://localhost:8080');
    expect(text.zh).toContain('http://localhost:8080');
    expect(text.zh).toContain('PIAOJUE_PUBLIC_URL');
    expect(text.en).toContain('PIAOJUE_PUBLIC_URL');
    expect(addressProblemText('plain_http', 'http://192.168.1.20').en).toContain('not https');
  });
});
