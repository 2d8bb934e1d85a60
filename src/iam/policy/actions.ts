import { compileGlob, type Glob, globMatches } from './wildcard.js';

/**
 * The action names a policy may mention. S3's come from AWS's service authorization reference
 * for Amazon S3 (plus MinIO's own S3 extensions); admin, kms and sts are MinIO's, as its
 * minio/pkg policy package lists them. Anything else is "Policy has invalid action", as S3 says.
 */
const S3_ACTIONS = [
  'AbortMultipartUpload',
  'BypassGovernanceRetention',
  'CreateAccessPoint',
  'CreateAccessPointForObjectLambda',
  'CreateBucket',
  'CreateJob',
  'CreateMultiRegionAccessPoint',
  'CreateSession',
  'DeleteAccessPoint',
  'DeleteAccessPointForObjectLambda',
  'DeleteAccessPointPolicy',
  'DeleteAccessPointPolicyForObjectLambda',
  'DeleteBucket',
  'DeleteBucketCors',
  'DeleteBucketOwnershipControls',
  'DeleteBucketPolicy',
  'DeleteBucketWebsite',
  'DeleteJobTagging',
  'DeleteMultiRegionAccessPoint',
  'DeleteObject',
  'DeleteObjectAnnotation',
  'DeleteObjectTagging',
  'DeleteObjectVersion',
  'DeleteObjectVersionTagging',
  'DeleteStorageLensConfiguration',
  'DeleteStorageLensConfigurationTagging',
  'DescribeJob',
  'DescribeMultiRegionAccessPointOperation',
  'ForceDeleteBucket',
  'GetAccelerateConfiguration',
  'GetAccessPoint',
  'GetAccessPointConfigurationForObjectLambda',
  'GetAccessPointForObjectLambda',
  'GetAccessPointPolicy',
  'GetAccessPointPolicyForObjectLambda',
  'GetAccessPointPolicyStatus',
  'GetAccessPointPolicyStatusForObjectLambda',
  'GetAccountPublicAccessBlock',
  'GetAnalyticsConfiguration',
  'GetBucketAcl',
  'GetBucketCORS',
  'GetBucketCors',
  'GetBucketLocation',
  'GetBucketLogging',
  'GetBucketNotification',
  'GetBucketObjectLockConfiguration',
  'GetBucketOwnershipControls',
  'GetBucketPolicy',
  'GetBucketPolicyStatus',
  'GetBucketPublicAccessBlock',
  'GetBucketQOS',
  'GetBucketRequestPayment',
  'GetBucketTagging',
  'GetBucketVersioning',
  'GetBucketWebsite',
  'GetEncryptionConfiguration',
  'GetIntelligentTieringConfiguration',
  'GetInventoryConfiguration',
  'GetJobTagging',
  'GetLifecycleConfiguration',
  'GetMetricsConfiguration',
  'GetMultiRegionAccessPoint',
  'GetMultiRegionAccessPointPolicy',
  'GetMultiRegionAccessPointPolicyStatus',
  'GetObject',
  'GetObjectAcl',
  'GetObjectAnnotation',
  'GetObjectAttributes',
  'GetObjectLegalHold',
  'GetObjectRetention',
  'GetObjectTagging',
  'GetObjectTorrent',
  'GetObjectVersion',
  'GetObjectVersionAcl',
  'GetObjectVersionAnnotationForReplication',
  'GetObjectVersionAttributes',
  'GetObjectVersionForReplication',
  'GetObjectVersionTagging',
  'GetObjectVersionTorrent',
  'GetReplicationConfiguration',
  'GetStorageLensConfiguration',
  'GetStorageLensConfigurationTagging',
  'GetStorageLensDashboard',
  'HeadBucket',
  'InitiateReplication',
  'ListAccessPoints',
  'ListAccessPointsForObjectLambda',
  'ListAllMyBuckets',
  'ListBucket',
  'ListBucketMultipartUploads',
  'ListBucketVersions',
  'ListJobs',
  'ListMultiRegionAccessPoints',
  'ListMultipartUploadParts',
  'ListObjectAnnotations',
  'ListStorageLensConfigurations',
  'ListenBucketNotification',
  'ListenNotification',
  'ObjectOwnerOverrideToBucketOwner',
  'PutAccelerateConfiguration',
  'PutAccessPointConfigurationForObjectLambda',
  'PutAccessPointPolicy',
  'PutAccessPointPolicyForObjectLambda',
  'PutAccessPointPublicAccessBlock',
  'PutAccountPublicAccessBlock',
  'PutAnalyticsConfiguration',
  'PutBucketAcl',
  'PutBucketCORS',
  'PutBucketCors',
  'PutBucketLogging',
  'PutBucketNotification',
  'PutBucketObjectLockConfiguration',
  'PutBucketOwnershipControls',
  'PutBucketPolicy',
  'PutBucketPublicAccessBlock',
  'PutBucketQOS',
  'PutBucketRequestPayment',
  'PutBucketTagging',
  'PutBucketVersioning',
  'PutBucketWebsite',
  'PutEncryptionConfiguration',
  'PutIntelligentTieringConfiguration',
  'PutInventoryConfiguration',
  'PutJobTagging',
  'PutLifecycleConfiguration',
  'PutMetricsConfiguration',
  'PutMultiRegionAccessPointPolicy',
  'PutObject',
  'PutObjectAcl',
  'PutObjectAnnotation',
  'PutObjectFanOut',
  'PutObjectLegalHold',
  'PutObjectRetention',
  'PutObjectTagging',
  'PutObjectVersionAcl',
  'PutObjectVersionTagging',
  'PutReplicationConfiguration',
  'PutStorageLensConfiguration',
  'PutStorageLensConfigurationTagging',
  'ReplicateDelete',
  'ReplicateObject',
  'ReplicateObjectAnnotation',
  'ReplicateTags',
  'ResetBucketReplicationState',
  'RestoreObject',
  'UpdateJobPriority',
  'UpdateJobStatus',
  'UpdateObjectEncryption',
];

const ADMIN_ACTIONS = [
  'Heal',
  'Decommission',
  'Rebalance',
  'StorageInfo',
  'Prometheus',
  'DataUsageInfo',
  'ForceUnlock',
  'TopLocksInfo',
  'Profiling',
  'ServerTrace',
  'ConsoleLog',
  'KMSEnable',
  'KMSBackup',
  'KMSRestore',
  'KMSCreateKey',
  'KMSKeyStatus',
  'KMSKeyRotate',
  'ServerInfo',
  'OBDInfo',
  'LicenseInfo',
  'BandwidthMonitor',
  'InspectData',
  'ServerUpdate',
  'ServiceRestart',
  'ServiceStop',
  'ServiceFreeze',
  'ServiceCordon',
  'ConfigUpdate',
  'CreateUser',
  'DeleteUser',
  'ListUsers',
  'EnableUser',
  'DisableUser',
  'GetUser',
  'ChangeMyPassword',
  'SiteReplicationAdd',
  'SiteReplicationDisable',
  'SiteReplicationRemove',
  'SiteReplicationResync',
  'SiteReplicationInfo',
  'SiteReplicationOperation',
  'CreateServiceAccount',
  'UpdateServiceAccount',
  'RemoveServiceAccount',
  'ListServiceAccounts',
  'ListTemporaryAccounts',
  'AddUserToGroup',
  'RemoveUserFromGroup',
  'GetGroup',
  'ListGroups',
  'EnableGroup',
  'DisableGroup',
  'CreatePolicy',
  'DeletePolicy',
  'GetPolicy',
  'AttachUserOrGroupPolicy',
  'UpdatePolicyAssociation',
  'ListUserPolicies',
  'SetBucketQuota',
  'GetBucketQuota',
  'SetBucketCompression',
  'GetBucketCompression',
  'SetBucketTarget',
  'GetBucketTarget',
  'ImportBucketMetadata',
  'ExportBucketMetadata',
  'SetTier',
  'ListTier',
  'ExportIAM',
  'ImportIAM',
  'ListBatchJobs',
  'DescribeBatchJob',
  'StartBatchJob',
  'CancelBatchJob',
  'GenerateBatchJob',
  'InventoryControl',
  'ClusterInfo',
  'PoolList',
  'PoolInfo',
  'NodeList',
  'NodeInfo',
  'SetInfo',
  'DriveList',
  'DriveInfo',
];

const KMS_ACTIONS = [
  'CreateKey',
  'DeleteKey',
  'ListKeys',
  'ImportKey',
  'DescribePolicy',
  'AssignPolicy',
  'DeletePolicy',
  'SetPolicy',
  'GetPolicy',
  'ListPolicies',
  'DescribeIdentity',
  'DescribeSelfIdentity',
  'DeleteIdentity',
  'ListIdentities',
  'KeyStatus',
  'Status',
  'API',
  'Metrics',
  'Version',
  'AuditLog',
  'ErrorLog',
  'Enable',
  'KeyRotate',
];

const STS_ACTIONS = [
  'AssumeRole',
  'AssumeRoleLDAPIdentity',
  'AssumeRoleWithCustomToken',
  'AssumeRoleWithWebIdentity',
  'AssumeRoleWithClientGrants',
  'AssumeRoleWithClientCertificate',
];

const SERVICES: ReadonlyMap<string, readonly string[]> = new Map([
  ['s3', S3_ACTIONS.map((a) => a.toLowerCase())],
  ['admin', ADMIN_ACTIONS.map((a) => a.toLowerCase())],
  ['kms', KMS_ACTIONS.map((a) => a.toLowerCase())],
  ['sts', STS_ACTIONS.map((a) => a.toLowerCase())],
]);

/** The services whose actions a policy of `kind` may name: a bucket policy speaks only of S3. */
export function servicesFor(kind: 'identity' | 'resource'): readonly string[] {
  return kind === 'resource' ? ['s3'] : [...SERVICES.keys()];
}

/**
 * True when `action` (lower case) is `*`, a known action of an allowed service, or a wildcard
 * pattern that matches at least one of them (S3 refuses `s3:Foo*` as an invalid action too).
 */
export function isValidAction(action: string, services: readonly string[]): boolean {
  if (action === '*') return true;
  const colon = action.indexOf(':');
  if (colon <= 0) return false;
  const service = action.slice(0, colon);
  const names = SERVICES.get(service);
  if (names === undefined || !services.includes(service)) return false;
  const name = action.slice(colon + 1);
  if (name === '') return false;
  if (!name.includes('*') && !name.includes('?')) return names.includes(name);
  const glob = compileGlob(name);
  return names.some((n) => globMatches(glob, n));
}

/** Actions compiled for matching: exact names in a set, wildcard patterns as globs (lower case). */
export interface ActionMatcher {
  readonly all: boolean;
  readonly exact: ReadonlySet<string>;
  readonly globs: readonly Glob[];
}

export function compileActions(actions: readonly string[]): ActionMatcher {
  const exact = new Set<string>();
  const globs: Glob[] = [];
  let all = false;
  for (const raw of actions) {
    const a = raw.toLowerCase();
    if (a === '*') all = true;
    else if (a.includes('*') || a.includes('?')) globs.push(compileGlob(a));
    else exact.add(a);
  }
  return { all, exact, globs };
}

/** `lowerAction` must already be lower case: actions match case-insensitively. */
export function actionMatches(m: ActionMatcher, lowerAction: string): boolean {
  if (m.all || m.exact.has(lowerAction)) return true;
  for (const g of m.globs) if (globMatches(g, lowerAction)) return true;
  return false;
}
