import { Registry } from 'prom-client';
import { JobMetrics } from './job-metrics';

async function scrape(metrics: JobMetrics): Promise<string> {
  const registry = new Registry();
  for (const metric of metrics.metrics) registry.registerMetric(metric);
  return registry.metrics();
}

describe('JobMetrics', () => {
  it('shows every outcome of a declared job as 0 before its first run, and no success time', async () => {
    const metrics = new JobMetrics();
    metrics.declare(['checksum_fill']);
    const text = await scrape(metrics);
    for (const outcome of ['success', 'failure', 'skipped']) {
      expect(text).toContain(`lc_job_runs_total{job_name="checksum_fill",outcome="${outcome}"} 0`);
    }
    expect(text).not.toMatch(/^lc_job_last_success_timestamp_seconds\{/m);
  });

  it('counts runs by job and outcome; only a success moves the last-success time', async () => {
    const metrics = new JobMetrics();
    metrics.declare(['upload_intents', 'multipart_expiry']);
    metrics.record('upload_intents', 'success', new Date('2026-01-02T03:04:05.500Z'));
    metrics.record('upload_intents', 'skipped', new Date('2026-01-02T03:10:00Z'));
    metrics.record('upload_intents', 'failure', new Date('2026-01-02T03:11:00Z'));
    metrics.record('upload_intents', 'skipped');
    const text = await scrape(metrics);
    expect(text).toContain('lc_job_runs_total{job_name="upload_intents",outcome="success"} 1');
    expect(text).toContain('lc_job_runs_total{job_name="upload_intents",outcome="skipped"} 2');
    expect(text).toContain('lc_job_runs_total{job_name="upload_intents",outcome="failure"} 1');
    expect(text).toContain('lc_job_runs_total{job_name="multipart_expiry",outcome="success"} 0');
    expect(text).toContain(
      `lc_job_last_success_timestamp_seconds{job_name="upload_intents"} ${Date.parse('2026-01-02T03:04:05.500Z') / 1000}`,
    );
    expect(text).not.toContain(
      'lc_job_last_success_timestamp_seconds{job_name="multipart_expiry"}',
    );
  });

  it('keeps the metrics of each instance apart (one per app, as the registries are)', async () => {
    const a = new JobMetrics();
    const b = new JobMetrics();
    a.record('checksum_fill', 'success');
    expect(await scrape(b)).not.toContain('lc_job_runs_total{job_name="checksum_fill"');
    expect(await scrape(a)).toContain(
      'lc_job_runs_total{job_name="checksum_fill",outcome="success"} 1',
    );
  });
});
