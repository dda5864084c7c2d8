// The byte helpers of src/protocol/encoding.ts: the strict base64url codec (one spelling per byte
// string) and the @noble helpers it re-exports as the project's only byte helpers.
import { describe, expect, it } from 'vitest';
import { bytesToHex, bytesToNumberBE, concatBytes, fromBase64url, hexToBytes, numberToBytesBE, toBase64url, utf8ToBytes } from '../../src/protocol/encoding.ts';

describe('base64url: unpadded RFC 4648 §5, canonical spelling only', () => {
  it('encodes without padding in the URL-safe alphabet', () => {
    expect(toBase64url(new Uint8Array([]))).toBe('');
    expect(toBase64url(new Uint8Array([1]))).toBe('AQ');
    expect(toBase64url(new Uint8Array([0xfb, 0xff]))).toBe('-_8');
    expect(toBase64url(new Uint8Array([1, 2, 3]))).toBe('AQID');
  });
  it('decodes what it encodes', () => {
    for (const hex of ['', '01', 'fbff', '010203', '00112233445566778899aabbccddeeff']) {
      expect(bytesToHex(fromBase64url(toBase64url(hexToBytes(hex))))).toBe(hex);
    }
  });
  it('refuses a non-canonical spelling whose unused trailing bits are set', () => {
    expect(() => fromBase64url('AR')).toThrow('non-canonical base64url'); // 'AQ' is the spelling of [1]
    expect(() => fromBase64url('AQJ')).toThrow('non-canonical base64url'); // 'AQI' is the spelling of [1, 2]
  });
  it('refuses padding, the standard alphabet, whitespace and an impossible length', () => {
    for (const text of ['AQ==', 'AQ=', '+/8', 'A Q', 'AQ\n', 'A', 'AQIDB']) {
      expect(() => fromBase64url(text), text).toThrow('not base64url');
    }
  });
});

describe('byte helpers re-exported from @noble', () => {
  it('concatenates in order, including empty parts', () => {
    expect(bytesToHex(concatBytes(new Uint8Array([1]), new Uint8Array([]), new Uint8Array([2, 3])))).toBe('010203');
    expect(concatBytes()).toEqual(new Uint8Array([]));
  });
  it('encodes UTF-8', () => {
    expect(bytesToHex(utf8ToBytes('票·A'))).toBe('e7a5a8c2b741');
  });
  it('converts big-endian integers of a fixed length both ways', () => {
    expect(bytesToHex(numberToBytesBE(1n, 4))).toBe('00000001');
    expect(bytesToHex(numberToBytesBE(0x0102n, 2))).toBe('0102');
    expect(bytesToNumberBE(hexToBytes('000102'))).toBe(0x0102n);
    expect(bytesToNumberBE(new Uint8Array([]))).toBe(0n);
  });
  it('refuses a number too large for the length instead of truncating it', () => {
    expect(() => numberToBytesBE(0x10000n, 2)).toThrow();
  });
});
