package provider

import "github.com/hashicorp/terraform-plugin-framework/action"

// NewPublishAction returns the realtime_publish action: delivery = "publish"
// of realtime_message, as an action.
func NewPublishAction() action.Action {
	return &deliveryAction{
		kind: deliveryPublish,
		description: "Publishes a message to Realtime channels with guaranteed delivery: the server keeps it for " +
			"`ttl` seconds for subscribers that connect later, and answers a sequence id per channel, which the " +
			"progress shows. One `publish` request per part and channel, channel after channel: when one fails, " +
			"the channels before it have the message already, and the error names them with their sequence ids. " +
			"The arguments, names and limits are those of `realtime_message` with `delivery = \"publish\"`.",
	}
}
