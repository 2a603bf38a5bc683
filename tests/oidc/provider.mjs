// An OpenID provider for the tests: oidc-provider (a certified implementation) with its
// development login form (any password; the login names an account of OIDC_ACCOUNTS).
//
//   node provider.mjs PORT
//
// Environment:
//   OIDC_ISSUER    the issuer URL (default http://localhost:PORT)
//   OIDC_CLIENTS   JSON list of client registrations (client_id, redirect_uris,
//                  token_endpoint_auth_method, client_secret, grant_types, ...)
//   OIDC_ACCOUNTS  JSON object: account id → {"roles": [...], other claims}; the roles go to
//                  the tokens as `realm_access.roles` (as Keycloak puts them). A client
//                  credentials token of client X carries the roles of account X.
//   OIDC_JWKS      JSON {"keys": [private JWK]}: the provider's signing keys
//   OIDC_CONFORM   "1": the ID token of a code flow carries `sub` alone, the other claims
//                  are at the userinfo endpoint (as many providers do); the code flow's
//                  access token is then for the userinfo endpoint
//
// Resource servers (RFC 8707): `urn:daftar:api` issues JWT access tokens for the audience
// `daftar-api` (the default resource: a client that names none gets it); `urn:other:api` for
// the audience `other-api`. PKCE (S256) is required of every authorization code request.
import { Provider } from 'oidc-provider';

const port = Number(process.argv[2]);
const issuer = process.env.OIDC_ISSUER || `http://localhost:${port}`;
const clients = JSON.parse(process.env.OIDC_CLIENTS || '[]');
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS || '{}');
const jwks = JSON.parse(process.env.OIDC_JWKS);
const conform = process.env.OIDC_CONFORM === '1';

const RESOURCES = {
  'urn:daftar:api': { audience: 'daftar-api', scope: 'daftar' },
  'urn:other:api': { audience: 'other-api', scope: 'other' },
};

function claimsOf(id) {
  const { roles = [], ...rest } = accounts[id];
  return { sub: id, preferred_username: id, ...rest, realm_access: { roles } };
}

const provider = new Provider(issuer, {
  clients,
  jwks,
  async findAccount(ctx, id) {
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { accountId: id, async claims() { return claimsOf(id); } };
  },
  claims: { openid: ['sub'], profile: ['preferred_username', 'name', 'realm_access'] },
  // Unless conforming: the scopes' claims in the ID token too (not only at userinfo).
  conformIdTokenClaims: conform,
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: async () => 'urn:daftar:api',
      useGrantedResource: async () => !conform,
      getResourceServerInfo: async (ctx, indicator) => {
        const server = RESOURCES[indicator];
        if (!server) throw new Error(`unknown resource ${indicator}`);
        return { ...server, accessTokenFormat: 'jwt', accessTokenTTL: 600,
          jwt: { sign: { alg: 'RS256' } } };
      },
    },
  },
  async extraTokenClaims(ctx, token) {
    const id = token.accountId || token.clientId;
    if (!Object.hasOwn(accounts, id)) return undefined;
    return { realm_access: { roles: accounts[id].roles || [] } };
  },
  // Consent once given is remembered, as a real provider does.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    return grantId ? ctx.oidc.provider.Grant.find(grantId) : undefined;
  },
});
provider.on('server_error', (ctx, err) => { console.error('server_error', err); });

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening at ${issuer}`);
});
