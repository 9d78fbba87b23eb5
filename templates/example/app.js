// The bundled example app: it reads its configuration from the environment, as a real
// app would, and shows what it got — secrets only by length, never by value.
const names = ['PORT', 'DATABASE_URL', 'API_TIMEOUT', 'STRIPE_KEY', 'JWT_PRIVATE_KEY', 'SESSION_KEY', 'LOG_LEVEL', 'ADMIN_EMAIL', 'CACHE_TTL', 'FEATURE_FLAGS'];
const secret = new Set(['DATABASE_URL', 'STRIPE_KEY', 'JWT_PRIVATE_KEY', 'SESSION_KEY']);
console.log('example app started with:');
for (const name of names) {
  const value = process.env[name];
  const shown = value === undefined ? '(not set)' : secret.has(name) ? `<secret, ${value.length} chars>` : value;
  console.log(`  ${name.padEnd(16)} ${shown}`);
}
const url = new URL(process.env.DATABASE_URL);
console.log(`database host ${url.hostname}, sslmode=${url.searchParams.get('sslmode')}`);
