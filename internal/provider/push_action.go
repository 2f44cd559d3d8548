package provider

import "github.com/hashicorp/terraform-plugin-framework/action"

// NewPushAction returns the realtime_push action: delivery = "push" of
// realtime_message, as an action.
func NewPushAction() action.Action {
	return &deliveryAction{
		kind: deliveryPush,
		description: "Sends a mobile push notification to the devices subscribed to push topics (`channels`), " +
			"through the push API with the application's private key: one `publish` request, or one " +
			"`publishbatch` for several topics, all or nothing. A topic with no subscribed device is refused by " +
			"the API, which fails the action. The arguments, names and limits are those of `realtime_message` " +
			"with `delivery = \"push\"`.",
	}
}
