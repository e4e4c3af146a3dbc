import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the AWS SDK's default chain could find credentials, judged without asking it (asking may
 * probe the EC2 instance metadata service over the network): environment keys, a profile, the
 * shared files, web identity or container credentials. `undefined` when there is none of them.
 *
 * @example
 * const source = credentialSource(process.env, homedir()); // 'AWS_PROFILE=dev', '~/.aws/credentials', ...
 */
export function credentialSource(env: NodeJS.ProcessEnv, home: string): string | undefined {
  if (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return 'AWS_ACCESS_KEY_ID';
  if (env.AWS_PROFILE) return `AWS_PROFILE=${env.AWS_PROFILE}`;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return 'container credentials';
  }
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, '.aws', 'credentials');
  if (existsSync(credentialsFile)) return credentialsFile;
  const configFile = env.AWS_CONFIG_FILE ?? join(home, '.aws', 'config');
  if (existsSync(configFile)) return configFile;
  return undefined;
}

/** The region the SDK and the CDK CLI will use, from the environment (a profile's region also works for them). */
export const regionFromEnvironment = (env: NodeJS.ProcessEnv): string | undefined =>
  env.AWS_REGION || env.AWS_DEFAULT_REGION || env.CDK_DEFAULT_REGION || undefined;
