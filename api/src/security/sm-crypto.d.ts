// Typings for the parts of `sm-crypto` (0.3.x, plain CommonJS, no bundled types) that this folder uses.
declare module 'sm-crypto' {
  interface Sm2KeyPairHex {
    /** 64 hex digits. */
    privateKey: string;
    /** Uncompressed point: `04` + x + y, 130 hex digits. */
    publicKey: string;
  }
  interface Sm2SignatureOptions {
    /** Precomputed nonces `{ k, x1 }` (jsbn BigIntegers, x1 = x of k·G), popped one per attempt. */
    pointPool?: Array<{ k: unknown; x1: unknown }>;
    der?: boolean;
    hash?: boolean;
    publicKey?: string;
    userId?: string;
  }
  interface Sm2 {
    generateKeyPairHex(): Sm2KeyPairHex;
    getPublicKeyFromPrivateKey(privateKey: string): string;
    verifyPublicKey(publicKey: string): boolean;
    /** cipherMode 1 = C1C3C2, 0 = C1C2C3. The result is hex without the `04` point prefix on C1. */
    doEncrypt(msg: string | number[], publicKey: string, cipherMode?: 0 | 1): string;
    /** Returns an empty result when C3 does not match. */
    doDecrypt(encryptData: string, privateKey: string, cipherMode: 0 | 1, options: { output: 'array' }): number[];
    doDecrypt(encryptData: string, privateKey: string, cipherMode?: 0 | 1, options?: { output?: 'string' }): string;
    /** A string message is read as UTF-8; an array as bytes. Without `hash`, the message is the digest e. */
    doSignature(msg: string | number[], privateKey: string, options?: Sm2SignatureOptions): string;
    doVerifySignature(msg: string | number[], signHex: string, publicKey: string, options?: Sm2SignatureOptions): boolean;
  }
  const smCrypto: { sm2: Sm2 };
  export default smCrypto;
}
