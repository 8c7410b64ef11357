/**
 * The Dockerfile and docker-compose.yml, checked without Docker (no engine runs on these machines): each parses (the
 * Dockerfile also passes dockerfile-utils' validation, the rules of VS Code's Docker support), names files and stages
 * that exist, and says what the service needs. The deployable test runs the files the image's CMD and HEALTHCHECK
 * name, from a project installed the way the image's install stage installs it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { discoverPublicPackages, REPO_ROOT } from '../../core/test/packaging/public-packages.js';
import { loadConfig } from '../src/config.js';
import { healthUrl } from '../src/health-probe.js';
import { STOP_TIMEOUT_MS } from '../src/service.js';
import { productionClosure, SERVICE_PACKAGE } from './support/packed-service.js';

const PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));
const DOCKERFILE = join(PACKAGE_DIR, 'Dockerfile');
const COMPOSE_FILE = join(PACKAGE_DIR, 'docker-compose.yml');
const manifest = JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { name: string; bin: Record<string, string>; files: string[] };
const rootManifest = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { name: string };
/** The variables of the service the sample replaces (SEED.md, "Environment Variables"). */
const SEED_VARIABLES = ['input', 'table_name', 'aws_access_key_id', 'aws_secret_access_key', 'max_retry', 'param_partition_key', 'param_sort_key'];

describe('Dockerfile', () => {
  const text = readFileSync(DOCKERFILE, 'utf8');
  const dockerfile = DockerfileParser.parse(text);
  const froms = dockerfile.getFROMs();
  const args = Object.fromEntries(dockerfile.getInitialARGs().map((arg) => [arg.getProperty()!.getName(), arg.getProperty()!.getValue() ?? '']));
  /** The instructions of each stage, in order: a stage runs from its FROM to the next. */
  const stages = froms.map((from, n) => {
    const start = from.getRange().start.line;
    const end = froms[n + 1]?.getRange().start.line ?? Number.POSITIVE_INFINITY;
    const instructions = dockerfile.getInstructions().filter((instruction) => instruction.getRange().start.line >= start && instruction.getRange().start.line < end);
    return { name: from.getBuildStage(), image: expand(from.getImage() ?? '', args), instructions };
  });
  const runtime = stages.at(-1)!;
  const final = (keyword: string) => runtime.instructions.filter((instruction) => instruction.getKeyword() === keyword);
  const words = (instruction: Instruction) => instruction.getArguments().map((argument) => argument.getValue());
  const imageEnv = Object.fromEntries(final('ENV').flatMap((env) => words(env).map((pair) => pair.split('=') as [string, string])));

  it("parses and passes dockerfile-utils' validation, which does catch a broken one", () => {
    expect(validate(text)).toEqual([]);
    const broken = text.replace('COPY --from=build', 'COPY --form=build').replace('HEALTHCHECK --interval', 'HEALTHCHECK --intervall');
    expect(validate(broken).map((diagnostic) => diagnostic.message)).toEqual([expect.stringMatching(/form/), expect.stringMatching(/intervall/)]);
  });

  it('is multi-stage: named build stages, each COPY --from naming an earlier one, a small Node 22+ base for the runtime', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(stages.slice(0, -1).map((stage) => stage.name)).not.toContain(null);
    stages.forEach((stage, n) => {
      for (const copy of stage.instructions.filter((instruction) => instruction.getKeyword() === 'COPY')) {
        const from = dockerfile.getCOPYs().find((candidate) => candidate.getRange().start.line === copy.getRange().start.line)!.getFromFlag()?.getValue();
        if (from !== undefined && from !== null) expect(stages.slice(0, n).map((earlier) => earlier.name), `COPY --from=${from}`).toContain(from);
      }
    });
    expect(runtime.image).toMatch(/^node:(\d+)-(alpine|slim|bookworm-slim)$/);
    expect(Number(/^node:(\d+)/.exec(runtime.image)![1])).toBeGreaterThanOrEqual(22);
  });

  it('copies from the build context (the repository root) only files that exist, without node_modules or dist', () => {
    const sources = dockerfile
      .getCOPYs()
      .filter((copy) => copy.getFromFlag() === null)
      .flatMap((copy) => copy.getArguments().slice(0, -1).map((argument) => argument.getValue()));
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect(existsSync(resolve(REPO_ROOT, source)), source).toBe(true);
    // BuildKit reads <Dockerfile>.dockerignore beside the Dockerfile before a .dockerignore at the context's root.
    const ignored = readFileSync(`${DOCKERFILE}.dockerignore`, 'utf8').split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['**/node_modules', '**/dist', '.git']));
  });

  it("builds what the service needs: pnpm filters that name real packages, and packs exactly the service's production closure", () => {
    const build = stages[0]!.instructions.filter((instruction) => instruction.getKeyword() === 'RUN').map((run) => words(run).join(' '));
    const install = build.find((command) => command.startsWith('pnpm install'))!;
    const filters = [...install.matchAll(/--filter "?([^" ]+?)(?:\.\.\.)?"?(?=\s|$)/g)].map((match) => match[1]);
    expect(filters).toEqual([manifest.name, rootManifest.name]);
    const packed = /for package in ([\w -]+?); do/.exec(build.find((command) => command.includes('pnpm pack'))!)![1]!.split(' ');
    const closure = productionClosure(discoverPublicPackages(REPO_ROOT), SERVICE_PACKAGE).map((pkg) => pkg.folder.replace(/^packages\//, ''));
    expect(packed.sort()).toEqual(closure.sort());
  });

  it("runs as a non-root user, with metrics on 0.0.0.0 at the exposed port, a HEALTHCHECK run by node, and node started directly", () => {
    const user = words(final('USER').at(-1)!)[0];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user!.split(':')[0]);
    expect(imageEnv).toMatchObject({ metrics_host: '0.0.0.0', metrics_port: expect.stringMatching(/^\d+$/) });
    expect(words(final('EXPOSE')[0]!)).toEqual([imageEnv['metrics_port']]);
    // What the image's variables mean to the service and to the probe.
    expect(loadConfig({ input: 'events', ...imageEnv })).toMatchObject({ metricsHost: '0.0.0.0', metricsPort: Number(imageEnv['metrics_port']) });
    expect(String(healthUrl(imageEnv))).toBe(`http://127.0.0.1:${imageEnv['metrics_port']}/health`);

    const healthcheck = dockerfile.getHEALTHCHECKs()[0]!;
    expect(healthcheck.getSubcommand()?.getValue()).toBe('CMD');
    const probe = JSON.parse(words(healthcheck).slice(1).join(' ')) as string[];
    expect(probe[0]).toBe('node');
    const cmd = dockerfile.getCMDs().at(-1)!.getJSONStrings().map((string) => string.getJSONValue());
    // Exec form, node itself: PID 1 is node, which handles SIGTERM (no shell in between to swallow it).
    expect(cmd[0]).toBe('node');
    expect(cmd).toHaveLength(2);
    expect(final('STOPSIGNAL').map((signal) => words(signal)[0])).toEqual(['SIGTERM']);
    expect(final('ENTRYPOINT')).toEqual([]);
  });

  it("runs the files the build produces: the CMD is the package's bin, the HEALTHCHECK its probe, both built from src/", () => {
    const workdir = (stage: (typeof stages)[number]) => words(stage.instructions.filter((instruction) => instruction.getKeyword() === 'WORKDIR').at(-1)!)[0];
    // The runtime copies the install stage's project folder as it is.
    const install = stages.find((stage) => stage.name === 'install')!;
    const copied = runtime.instructions.find((instruction) => instruction.getKeyword() === 'COPY')!;
    expect(words(copied).slice(-2)).toEqual([workdir(install), workdir(install)]);
    const installed = `${workdir(install)}/node_modules/${manifest.name}/`;

    const cmd = dockerfile.getCMDs().at(-1)!.getJSONStrings().map((string) => string.getJSONValue());
    const probe = JSON.parse(words(dockerfile.getHEALTHCHECKs()[0]!).slice(1).join(' ')) as string[];
    for (const [file, built] of [
      [cmd[1]!, manifest.bin['dynamo-sink-destination']!],
      [probe[1]!, './dist/healthcheck.js'],
    ] as const) {
      expect(file.startsWith(installed), file).toBe(true);
      expect(`./${file.slice(installed.length)}`).toBe(built);
      // tsc compiles src/X.ts to dist/X.js (rootDir src, outDir dist), and the package publishes dist.
      expect(existsSync(join(PACKAGE_DIR, built.replace(/^\.\/dist\//, 'src/').replace(/\.js$/, '.ts'))), built).toBe(true);
    }
    const tsconfig = JSON.parse(readFileSync(join(PACKAGE_DIR, 'tsconfig.json'), 'utf8')) as { compilerOptions: { rootDir: string; outDir: string } };
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    expect(manifest.files).toContain('dist');
  });
});

describe('docker-compose.yml', () => {
  const document = parseDocument(readFileSync(COMPOSE_FILE, 'utf8'));
  type Service = {
    image?: string;
    build?: { context: string; dockerfile: string };
    environment?: Record<string, string | number>;
    depends_on?: Record<string, { condition: string }>;
    command?: string[] | string;
    ports?: string[];
    stop_grace_period?: string;
  };
  const compose = document.toJS() as { services: Record<string, Service> };
  const services = compose.services;
  const [serviceName, destination] = Object.entries(services).find(([, service]) => service.build !== undefined)!;
  const environment = Object.fromEntries(Object.entries(destination.environment ?? {}).map(([name, value]) => [name, String(value)]));
  const imageEnv = { metrics_host: '0.0.0.0', metrics_port: '9464' };

  it('parses as YAML, with no error or warning', () => {
    expect([document.errors, document.warnings]).toEqual([[], []]);
    expect(Object.keys(services).length).toBeGreaterThanOrEqual(3);
  });

  it("builds the service from this Dockerfile with the repository's root as context", () => {
    const context = resolve(dirname(COMPOSE_FILE), destination.build!.context);
    expect(context).toBe(resolve(REPO_ROOT));
    expect(resolve(context, destination.build!.dockerfile)).toBe(DOCKERFILE);
  });

  it("configures it with the seed's variables, and the whole configuration passes the service's own checks", () => {
    expect(Object.keys(environment)).toEqual(expect.arrayContaining(SEED_VARIABLES));
    const config = loadConfig({ ...imageEnv, ...environment });
    expect(config).toMatchObject({ input: 'events', metricsPort: 9464, metricsHost: '0.0.0.0' });
  });

  it('points the service at the Kafka and DynamoDB Local services, and publishes its metrics port', () => {
    const config = loadConfig({ ...imageEnv, ...environment });
    for (const broker of config.brokers) {
      const [host] = broker.split(':');
      expect(Object.keys(services), broker).toContain(host);
      // The broker advertises exactly that address to clients on the compose network.
      expect(String(services[host!]!.environment?.['KAFKA_ADVERTISED_LISTENERS']).split(',')).toContain(`PLAINTEXT://${broker}`);
    }
    const endpoint = new URL(config.dynamodbEndpoint!);
    const dynamodb = services[endpoint.hostname]!;
    expect(dynamodb.image).toMatch(/^amazon\/dynamodb-local:/);
    const command = dynamodb.command as string[];
    expect(command[command.indexOf('-port') + 1]).toBe(endpoint.port);
    expect(destination.ports).toContain(`${config.metricsPort}:${config.metricsPort}`);
  });

  it('starts the service after the broker and its topics, and gives it longer than its own stop timeout to stop', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const dependency of Object.keys(service.depends_on ?? {})) expect(Object.keys(services), `${name} depends on ${dependency}`).toContain(dependency);
    }
    const topics = Object.entries(services).find(([, service]) => JSON.stringify(service.command ?? '').includes('kafka-topics.sh'));
    expect(topics, 'a service that creates the topics').toBeDefined();
    expect(destination.depends_on?.[topics![0]]).toEqual({ condition: 'service_completed_successfully' });
    const script = String(topics![1].command);
    for (const topic of [environment['input'], environment['dead_letter_topic']]) expect(script).toMatch(new RegExp(`for topic in .*\\b${topic!.replace('.', '\\.')}\\b`));
    expect(durationMs(destination.stop_grace_period!)).toBeGreaterThan(STOP_TIMEOUT_MS);
    expect(serviceName).toBe('destination');
  });

  it('pins every image it pulls to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) continue;
      expect(service.image, name).toMatch(/^[\w./-]+:(?!latest$)[\w.-]+$/);
    }
  });
});

/** `${NAME}` and `$NAME` replaced by the Dockerfile's ARG defaults. */
function expand(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => args[braced ?? bare!] ?? '');
}

/** A compose duration (`35s`, `1m30s`, `500ms`) in milliseconds. */
function durationMs(text: string): number {
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 0.001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|h|m|s)/g)];
  if (parts.map((part) => part[0]).join('') !== text) throw new Error(`Not a compose duration: ${text}`);
  return parts.reduce((total, [, amount, unit]) => total + Number(amount) * units[unit!]!, 0);
}
