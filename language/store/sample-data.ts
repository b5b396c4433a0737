// The tutorial indices (logs-sample, metrics-sample, users-sample, orders-sample, products-sample,
// security-events) with the reference's mappings, generated from a seed: the same documents every run,
// timestamps relative to load time so that "last 24 hours" queries find data.
import { DataStore, Source } from './store';
import { seededRandom } from '../seeded-random';

interface SampleIndex {
  name: string;
  mappings: Record<string, unknown>;
  docs: { id: string; doc: Source }[];
}


const HOUR = 3600000;
const DAY = 24 * HOUR;

const props = (fields: Record<string, string>): Record<string, unknown> => ({
  properties: Object.fromEntries(Object.entries(fields).map(([k, type]) => [k, { type }])),
});

export function generateSampleData(now: number = Date.now(), seed = 42): SampleIndex[] {
  const rnd = seededRandom(seed);
  const int = (lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1));
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)];
  const iso = (ms: number): string => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const hex = (n: number): string => Array.from({ length: n }, () => '0123456789abcdef'[int(0, 15)]).join('');

  const services = ['api-gateway', 'user-service', 'order-service', 'payment-service', 'notification-service',
    'inventory-service', 'auth-service', 'search-service'];
  const hosts = ['prod-app-01', 'prod-app-02', 'prod-app-03', 'prod-worker-01', 'prod-worker-02'];
  const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
  const paths = ['/api/v1/users', '/api/v1/orders', '/api/v1/products', '/api/v1/payments', '/api/v1/search', '/health',
    '/api/v1/auth/login', '/api/v1/cart'];
  const errors = [
    'Database connection pool exhausted: 0 of 20 connections available after 5000ms',
    'Login rejected for user dana@example.com: too many failed attempts from 10.0.4.17',
    'Upstream payment-service did not answer within 30000ms (transaction TX-10442)',
    'Worker ran out of heap memory while building the nightly report',
    'TLS handshake with partner endpoint failed: certificate expired',
    'Volume /var/lib/app is 97% full; writes will soon fail',
    'Unexpected null order total while settling order ORD-20931',
    'Cache cluster unreachable; serving every read from the database',
    'API key key-prod-7 exceeded its quota of 1000 requests per minute',
    'Consumer group billing is 48000 messages behind on topic invoices',
    'Query over orders table timed out after 60 seconds',
    'No healthy instance of inventory-service registered in eu-west-1',
    'Upload refused: 61MB exceeds the 50MB limit',
    'Search cluster status red: 2 primary shards unassigned',
    'Circuit breaker opened for payment-service after 70% failures',
    'Could not decode message from dead-letter queue: invalid JSON at byte 812',
    'User auditor-kim denied access to /admin/settings (missing admin role)',
    'Shipping partner returned HTTP 503 five times in a row',
    'Session cache grew from 120MB to 2.1GB in one hour',
    'Deadlock detected between two payment transactions; one was rolled back',
  ];
  const infos = ['Request served', 'User signed in', 'Cache hit', 'Database connection opened', 'Health check passed',
    'Configuration reloaded', 'Session started', 'Payment captured', 'Order confirmed', 'Email delivered'];
  const warns = ['Memory usage at 81%', 'Slow query: 2150ms for user lookup', 'Rate limit at 870 of 1000 requests',
    'Certificate expires in 21 days', 'Deprecated endpoint /api/v0 called', 'Retrying external call (2 of 3)',
    'Connection pool 88% used', 'Queue backlog at 4800 messages'];
  const debugs = ['Validating order payload', 'Query parameters parsed', 'Cache miss for user profile',
    'Serialising response', 'Checking permissions for /api/admin'];

  // logs-sample: 100 documents, exactly 20 of them ERROR.
  const logs: SampleIndex['docs'] = [];
  for (let i = 0; i < 100; i++) {
    let level: string;
    let message: string;
    let status: number;
    let duration: number;
    let ago: number;
    if (i < 20) {
      level = 'ERROR'; message = errors[i]; status = 500; duration = int(5000, 35000); ago = int(0, 12 * 60 - 1) * 60000;
    } else {
      const r = rnd();
      if (r < 0.55) { level = 'INFO'; message = pick(infos); status = 200; }
      else if (r < 0.8) { level = 'DEBUG'; message = pick(debugs); status = 200; }
      else { level = 'WARN'; message = pick(warns); status = rnd() < 0.5 ? 200 : 429; }
      duration = int(10, 509);
      ago = int(0, 24 * 60 - 1) * 60000;
    }
    logs.push({
      id: `log-${String(i + 1).padStart(3, '0')}`,
      doc: {
        '@timestamp': iso(now - ago), level, message, service: pick(services), host: pick(hosts),
        trace_id: `${hex(8)}-${hex(4)}-${hex(4)}`, user_id: `user-${int(1, 50)}`, duration_ms: duration,
        status_code: status, method: pick(methods), path: pick(paths),
      },
    });
  }

  const metricNames = ['cpu_percent', 'memory_percent', 'disk_used_percent', 'network_in_bytes', 'network_out_bytes',
    'request_latency_p99', 'request_rate', 'error_rate', 'gc_pause_ms', 'thread_count'];
  const units = ['percent', 'percent', 'percent', 'bytes', 'bytes', 'ms', 'req/s', 'percent', 'ms', 'count'];
  const metrics: SampleIndex['docs'] = [];
  for (let i = 0; i < 80; i++) {
    const k = int(0, metricNames.length - 1);
    const value = [
      () => int(3000, 6999) / 100, () => int(3000, 6999) / 100, () => int(3000, 6999) / 100,
      () => int(100000, 10099999), () => int(100000, 10099999), () => int(5000, 54999) / 100,
      () => int(10000, 109999) / 100, () => int(0, 499) / 100, () => int(5, 104), () => int(50, 249),
    ][k]();
    metrics.push({
      id: `metric-${String(i + 1).padStart(3, '0')}`,
      doc: {
        '@timestamp': iso(now - int(0, 23) * HOUR), metric_name: metricNames[k], value, unit: units[k],
        service: pick(services), host: pick(hosts), environment: pick(['production', 'staging']),
      },
    });
  }

  const first = ['Alice', 'Bob', 'Charlie', 'Diana', 'Eve', 'Frank', 'Grace', 'Henry', 'Ivy', 'Jack', 'Kate', 'Leo',
    'Maya', 'Nick', 'Olivia', 'Peter', 'Quinn', 'Rachel', 'Sam', 'Tara'];
  const last = ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Wilson', 'Taylor'];
  const users: SampleIndex['docs'] = [];
  for (let i = 1; i <= 30; i++) {
    const f = pick(first);
    const l = pick(last);
    users.push({
      id: `user-${i}`,
      doc: {
        user_id: `user-${i}`, email: `${f.toLowerCase()}.${l.toLowerCase()}@example.com`, name: `${f} ${l}`,
        role: pick(['admin', 'developer', 'analyst', 'manager', 'viewer']),
        department: pick(['Engineering', 'Sales', 'Marketing', 'Support', 'Finance', 'Operations']),
        created_at: iso(now - int(0, 364) * DAY), last_login: iso(now - int(0, 29) * DAY), active: rnd() < 0.9,
        login_count: int(1, 500),
      },
    });
  }

  const orders: SampleIndex['docs'] = [];
  for (let i = 1; i <= 50; i++) {
    const daysAgo = int(1, 89);
    orders.push({
      id: `order-${i}`,
      doc: {
        order_id: `ORD-${String(int(0, 999998)).padStart(6, '0')}`, customer_id: `user-${int(1, 30)}`,
        status: pick(['pending', 'processing', 'shipped', 'delivered', 'cancelled', 'refunded']),
        total_amount: int(1000, 50999) / 100, currency: 'USD', items_count: int(1, 10),
        shipping_country: pick(['US', 'UK', 'DE', 'FR', 'CA', 'AU', 'JP', 'BR', 'IN', 'MX']),
        payment_method: pick(['credit_card', 'debit_card', 'paypal', 'apple_pay', 'google_pay', 'bank_transfer']),
        created_at: iso(now - daysAgo * DAY), updated_at: iso(now - int(1, daysAgo) * DAY),
      },
    });
  }

  const categories = ['Electronics', 'Clothing', 'Home & Garden', 'Sports', 'Books', 'Toys', 'Beauty', 'Automotive'];
  const productNames = ['Wireless Headphones', 'Smart Watch', 'USB-C Hub', 'Mechanical Keyboard', '4K Webcam',
    'Cotton T-Shirt', 'Running Shoes', 'Winter Jacket', 'Denim Jeans', 'Wool Sweater', 'Desk Lamp', 'Coffee Maker',
    'Air Purifier', 'Robot Vacuum', 'Smart Thermostat', 'Yoga Mat', 'Resistance Bands', 'Foam Roller', 'Jump Rope',
    'Dumbbell Set', 'Programming Guide', 'Science Fiction Novel', 'Cookbook', 'Biography', 'Field Guide',
    'Building Blocks', 'Remote Control Car', 'Board Game', 'Puzzle', 'Art Supplies', 'Face Cream', 'Shampoo',
    'Sunscreen SPF 50', 'Makeup Palette', 'Perfume', 'Phone Mount', 'Dash Camera', 'Tire Inflator', 'Seat Cushion',
    'Car Vacuum'];
  const products: SampleIndex['docs'] = [];
  for (let i = 1; i <= 40; i++) {
    const category = categories[Math.floor(i / 5) % categories.length];
    const stock = int(0, 499);
    const name = productNames[i - 1];
    products.push({
      id: `PROD-${String(i).padStart(4, '0')}`,
      doc: {
        product_id: `PROD-${String(i).padStart(4, '0')}`, name, description: `${name}, built to last.`, category,
        price: int(1000, 20999) / 100, stock, rating: int(30, 50) / 10, reviews_count: int(1, 500), in_stock: stock > 0,
        tags: ['popular', category.toLowerCase().replace(/ /g, '-')],
      },
    });
  }

  const events: SampleIndex['docs'] = [];
  for (let i = 1; i <= 60; i++) {
    const r = rnd();
    const severity = r < 0.6 ? 'low' : r < 0.85 ? 'medium' : r < 0.95 ? 'high' : 'critical';
    const user = `user-${int(1, 30)}`;
    const action = pick(['login', 'logout', 'read', 'write', 'delete', 'create', 'modify', 'execute']);
    const resource = pick(['/admin/users', '/api/data', '/config/settings', '/reports/financial', '/files/sensitive', '/system/logs']);
    const outcome = pick(['success', 'failure', 'blocked']);
    events.push({
      id: `event-${i}`,
      doc: {
        '@timestamp': iso(now - int(0, 47) * HOUR),
        event_type: pick(['authentication', 'authorization', 'data_access', 'configuration_change', 'network', 'file_operation']),
        severity, source_ip: `192.168.${int(0, 255)}.${int(0, 255)}`, user, action, resource, outcome,
        message: `${user} ${action} ${resource}: ${outcome}`,
      },
    });
  }

  return [
    {
      name: 'logs-sample', docs: logs,
      mappings: props({ '@timestamp': 'date', level: 'keyword', message: 'text', service: 'keyword', host: 'keyword',
        trace_id: 'keyword', user_id: 'keyword', duration_ms: 'integer', status_code: 'integer', method: 'keyword', path: 'keyword' }),
    },
    {
      name: 'metrics-sample', docs: metrics,
      mappings: props({ '@timestamp': 'date', metric_name: 'keyword', value: 'float', unit: 'keyword', service: 'keyword',
        host: 'keyword', environment: 'keyword' }),
    },
    {
      name: 'users-sample', docs: users,
      mappings: props({ user_id: 'keyword', email: 'keyword', name: 'text', role: 'keyword', department: 'keyword',
        created_at: 'date', last_login: 'date', active: 'boolean', login_count: 'integer' }),
    },
    {
      name: 'orders-sample', docs: orders,
      mappings: props({ order_id: 'keyword', customer_id: 'keyword', status: 'keyword', total_amount: 'float',
        currency: 'keyword', items_count: 'integer', shipping_country: 'keyword', payment_method: 'keyword',
        created_at: 'date', updated_at: 'date' }),
    },
    {
      name: 'products-sample', docs: products,
      mappings: props({ product_id: 'keyword', name: 'text', description: 'text', category: 'keyword', price: 'float',
        stock: 'integer', rating: 'float', reviews_count: 'integer', in_stock: 'boolean', tags: 'keyword' }),
    },
    {
      name: 'security-events', docs: events,
      mappings: props({ '@timestamp': 'date', event_type: 'keyword', severity: 'keyword', source_ip: 'ip', user: 'keyword',
        action: 'keyword', resource: 'keyword', outcome: 'keyword', message: 'text' }),
    },
  ];
}

/** (Re)creates the sample indices in `store`. Returns the document count per index. */
export async function loadSampleData(store: DataStore, options: { now?: number; seed?: number } = {}): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const index of generateSampleData(options.now, options.seed)) {
    if (await store.indexExists(index.name)) await store.deleteIndex(index.name);
    await store.createIndex(index.name, { mappings: index.mappings });
    const r = await store.bulk(index.name, index.docs, { refresh: true });
    if (r.errors) throw new Error(`loading ${index.name} failed`);
    counts[index.name] = index.docs.length;
  }
  return counts;
}
