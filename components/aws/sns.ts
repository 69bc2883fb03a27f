/**
 * Alertmanager receiver for the AWS paging topic (AwsStorage.snsTopicArn). Alertmanager signs with
 * SigV4 using the default credential chain, i.e. the IRSA role of its annotated ServiceAccount.
 */
export function snsReceiver(opts: { name: string; topicArn: string; region: string }) {
  return {
    name: opts.name,
    sns_configs: [{ topic_arn: opts.topicArn, sigv4: { region: opts.region }, send_resolved: true }],
  };
}
