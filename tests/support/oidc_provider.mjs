// A real OpenID Connect provider on 127.0.0.1 for the school sign-in tests
// (npm's oidc-provider, installed by `make install` from package-lock.json).
//
// One process, several issuers, as at Microsoft and Google:
//   /<tenant id>/v2.0   a Microsoft-style tenant (ID tokens carry `tid`)
//   /google             a Google-style issuer (ID tokens carry `hd`, the domain)
// The dev login form takes any login and password: the login is the e-mail address.
// A login starting "unverified" gets `email_verified: false`.
//
// POST /__tamper {"id_token": "expired" | "bad-signature" | "wrong-nonce" | "wrong-tenant"}
// alters the next ID token the token endpoint hands out (re-signed with the real
// key, except "bad-signature"), for the hostile tests.
// Prints {"url": "http://127.0.0.1:PORT"} on its first line once it listens.

import http from 'node:http';
import { generateKeyPair, exportJWK, SignJWT, decodeJwt } from 'jose';
import Provider from 'oidc-provider';

const TENANTS = (process.env.OIDC_TENANTS || 'tenant-north,tenant-river').split(',');
let tamper = null;

const { privateKey } = await generateKeyPair('RS256', { extractable: true });
const signingJwk = { ...(await exportJWK(privateKey)), kid: 'test-key', alg: 'RS256', use: 'sig' };
const other = await generateKeyPair('RS256', { extractable: true });

function claimsFor(login, tid) {
  const email = login.includes('@') ? login.toLowerCase() : `${login}@example.invalid`;
  const local = email.split('@')[0];
  const [given, family] = local.split('.');
  return {
    sub: `${tid}:${email}`,
    email,
    email_verified: !local.startsWith('unverified'),
    given_name: given ? given[0].toUpperCase() + given.slice(1) : '',
    family_name: family ? family[0].toUpperCase() + family.slice(1) : '',
    name: local,
    tid,
    hd: email.split('@')[1],
  };
}

async function tampered(idToken) {
  const kind = tamper;
  tamper = null;
  const claims = decodeJwt(idToken);
  const now = Math.floor(Date.now() / 1000);
  let key = privateKey;
  if (kind === 'expired') Object.assign(claims, { iat: now - 7200, exp: now - 3600 });
  if (kind === 'wrong-nonce') claims.nonce = 'not-the-nonce-this-browser-sent';
  if (kind === 'wrong-tenant') claims.tid = 'tenant-nobody-lists';
  if (kind === 'bad-signature') key = other.privateKey;
  return new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'test-key', typ: 'JWT' }).sign(key);
}

function providerFor(issuer, tid) {
  const provider = new Provider(issuer, {
    clients: [{
      client_id: `helpdesk-${tid}`,
      client_secret: `secret-${tid}`,
      redirect_uris: ['http://127.0.0.1/accounts/sso/'],
      token_endpoint_auth_method: 'client_secret_post',
    }],
    jwks: { keys: [signingJwk] },
    cookies: { keys: ['tests-only-cookie-key'] },
    claims: { openid: ['sub', 'tid'], email: ['email', 'email_verified', 'hd'], profile: ['name', 'given_name', 'family_name'] },
    conformIdTokenClaims: false,
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return claimsFor(id, tid); } };
    },
    // Consent is the school's business, not the test's: grant what was asked.
    async loadExistingGrant(ctx) {
      const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
      if (grantId) return ctx.oidc.provider.Grant.find(grantId);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
  });
  // The test server's address changes every run: any path under /accounts/sso/ on
  // the loopback or the Django test client's host is this client's redirect URI.
  provider.Client.prototype.redirectUriAllowed = (uri) =>
    /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/accounts\/sso\/[\w-]+\/login\/callback\/$/.test(uri)
    || /^http:\/\/testserver\/accounts\/sso\/[\w-]+\/login\/callback\/$/.test(uri);
  provider.use(async (ctx, next) => {
    await next();
    if (tamper && ctx.path === '/token' && ctx.body && ctx.body.id_token) {
      ctx.body = { ...ctx.body, id_token: await tampered(ctx.body.id_token) };
    }
  });
  return provider.callback();
}

const mounts = new Map();
const server = http.createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/__tamper') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; });
    req.on('end', () => {
      tamper = JSON.parse(body || '{}').id_token || null;
      res.writeHead(204).end();
    });
    return;
  }
  for (const [prefix, handler] of mounts) {
    if (req.url === prefix || req.url.startsWith(`${prefix}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(prefix.length) || '/';
      return handler(req, res);
    }
  }
  res.writeHead(404).end('no such issuer');
});

server.listen(0, '127.0.0.1', () => {
  const base = `http://127.0.0.1:${server.address().port}`;
  for (const tid of TENANTS) mounts.set(`/${tid}/v2.0`, providerFor(`${base}/${tid}/v2.0`, tid));
  mounts.set('/google', providerFor(`${base}/google`, 'google'));
  process.stdout.write(`${JSON.stringify({ url: base })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
