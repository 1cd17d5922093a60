/**
 * snowflake-sdk loads the AWS SDK v3 (for stages on S3). On Node < 22 that SDK prints a 9-line
 * NodeVersionSupportWarning to stderr in every command that loads this adapter, compile included: noise
 * about the SDK's own future releases, nothing a user of xform acts on. The SDK's documented switch turns it
 * off; it is read when the SDK makes a client, so it is set here, in a module imported before the SDK.
 * A value the user set is kept.
 */
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ||= 'true';
