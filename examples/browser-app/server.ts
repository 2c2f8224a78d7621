import { startExample } from './app.js';

const apiKey = process.env.IQRA_API_KEY;
const businessId = process.env.IQRA_BUSINESS_ID;
if (!apiKey || !businessId) {
  console.error('Set IQRA_API_KEY and IQRA_BUSINESS_ID (see examples/browser-app/README.md).');
  process.exit(1);
}

const example = await startExample({
  iqraUrl: process.env.IQRA_URL ?? 'http://localhost:3000',
  apiKey,
  businessId,
  port: Number(process.env.PORT ?? 5173),
  host: process.env.HOST ?? 'localhost',
});
console.log(`Iqra browser example on ${example.url}`);
