import { z } from 'zod';

/** The server's SM2 transport key: the console encrypts passwords and personal fields with it. */
export const transportKey = z.object({
  /** Uncompressed point in hex (`04…`). */
  publicKey: z.string().regex(/^04[0-9a-f]{128}$/),
  /** sm-crypto's cipher mode 1: C1C3C2. */
  cipherMode: z.literal(1),
});
export type TransportKey = z.infer<typeof transportKey>;

/** A field value encrypted in the browser for transport: `sm2:` + C1C3C2 hex. */
export const TRANSPORT_PREFIX = 'sm2:';

/** Issuing bodies whose e-seals (SM2 signatures) anyone may verify. */
export const sealSigners = ['seal-rsj', 'seal-yjj', 'seal-ksy', 'seal-platform'] as const;
export const sealSignerNames: Record<(typeof sealSigners)[number], string> = {
  'seal-rsj': '上海市人力资源和社会保障局',
  'seal-yjj': '上海市应急管理局',
  'seal-ksy': '上海市职业能力考试院',
  'seal-platform': '上海市初级注册安全工程师管理子系统',
};

export const publicKeyList = z.array(z.object({ signer: z.enum(sealSigners), name: z.string(), publicKeyHex: z.string(), publicKeyPem: z.string() }));

export const verifySignatureRequest = z.object({
  signer: z.enum(sealSigners, { error: '签章单位不正确' }),
  /** The signed document or data, base64 (at most about 10 MB). */
  dataBase64: z.string({ error: '请提供被签名的数据' }).max(14_000_000, '数据过大').regex(/^[A-Za-z0-9+/]*={0,2}$/, '数据须为base64编码'),
  /** DER-encoded SM2 signature, hex. */
  signatureHex: z.string({ error: '请提供签名值' }).regex(/^(?:[0-9a-fA-F]{2}){8,80}$/, '签名值格式不正确'),
});
export const verifySignatureResult = z.object({ valid: z.boolean(), signer: z.enum(sealSigners), name: z.string() });
