// A real OpenID Connect provider (panva's certified `oidc-provider`) for planwiki's
// sign-in tests. Started by tests/test_signin_oidc.py on 127.0.0.1 and a free port:
//
//   PORT=5111 CLIENTS='[{"client_id": "...", "client_secret": "...", "redirect_uris": ["..."]}]' node provider.mjs
//
// Its built-in development login page accepts any login name with any password. The
// login name becomes the account: "ana@council.example" signs in as that (verified)
// address; "unverified+ana@council.example" has email_verified false; "noemail" has none.
// As with many real providers, the ID token carries only `sub`: email and name come
// from the userinfo endpoint.
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const clients = JSON.parse(process.env.CLIENTS || '[]');

function claimsFor(login) {
  const claims = { sub: login };
  if (login === 'noemail') return { ...claims, name: 'No Email' };
  const unverified = login.startsWith('unverified+');
  const email = unverified ? login.slice('unverified+'.length) : login;
  const local = email.split('@')[0];
  const name = local.split(/[._-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ');
  return { ...claims, email, email_verified: !unverified, name };
}

const provider = new Provider(`http://127.0.0.1:${port}`, {
  clients: clients.map((c) => ({
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  features: { devInteractions: { enabled: true } },
  pkce: { required: () => true },
  cookies: { keys: ['planwiki-test-provider-cookie-key'] },
  findAccount: async (ctx, id) => ({ accountId: id, claims: async () => claimsFor(id) }),
});

provider.listen(port, '127.0.0.1', () => {
  console.log(`oidc-provider listening on http://127.0.0.1:${port}`);
});
