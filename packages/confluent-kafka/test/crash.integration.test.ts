/**
 * At least once across a crash: a consumer in a child process is killed with SIGKILL mid-stream (no stop, no last
 * commit), a new one starts in its place, and every record ends up in the table (the scenario shared by the adapters).
 */
import { testKafkaCrash } from '@dynamo-sink/test-servers/kafka-scenarios';
import { confluentLauncher } from './support/launcher.js';

testKafkaCrash(confluentLauncher);
