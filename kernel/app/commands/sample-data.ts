// `escript sample-data`: (re)creates the tutorials' sample indices in the configured store.
import { loadSampleData } from '../../../language/tools';

export async function sampleData(): Promise<number> {
  const counts = await loadSampleData();
  for (const [index, count] of Object.entries(counts)) console.log(`${index}: ${count} documents`);
  return 0;
}
