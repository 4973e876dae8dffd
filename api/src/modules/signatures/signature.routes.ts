import { publicKeyList, sealSignerNames, sealSigners, transportKey, verifySignatureRequest, verifySignatureResult } from '../../contracts/security';
import type { ApiRoutes } from '../../http/route';
import type { Sm2Service } from '../../security/sm2';

/** Public cryptographic endpoints: the transport key, the issuing bodies' seal keys and signature checks. */
export function signatureRoutes(api: ApiRoutes, sm2: Sm2Service): void {
  api.define(
    { method: 'get', path: '/security/transport-key', summary: '传输加密公钥（SM2）', tag: 'security', access: { public: true }, response: transportKey },
    async () => ({ publicKey: sm2.publicKeyHex('transport'), cipherMode: 1 as const }),
  );
  api.define(
    { method: 'get', path: '/security/public-keys', summary: '各签章单位的SM2公钥（验证电子印章）', tag: 'security', access: { public: true }, response: publicKeyList },
    async () => sealSigners.map((signer) => ({ signer, name: sealSignerNames[signer], publicKeyHex: sm2.publicKeyHex(signer), publicKeyPem: sm2.publicKeyPem(signer) })),
  );
  api.define(
    {
      method: 'post',
      path: '/security/verify-signature',
      summary: '验证电子文件的SM2签名（电子印章）',
      tag: 'security',
      access: { public: true },
      body: verifySignatureRequest,
      response: verifySignatureResult,
    },
    async ({ body }) => ({
      valid: sm2.verify(sm2.publicKeyHex(body.signer), Buffer.from(body.dataBase64, 'base64'), body.signatureHex),
      signer: body.signer,
      name: sealSignerNames[body.signer],
    }),
  );
}
