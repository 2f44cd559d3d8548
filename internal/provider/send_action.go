package provider

import "github.com/hashicorp/terraform-plugin-framework/action"

// NewSendAction returns the realtime_send action: delivery = "send" of
// realtime_message, as an action.
func NewSendAction() action.Action {
	return &deliveryAction{
		kind: deliverySend,
		description: "Sends a message to the subscribers connected to Realtime channels now; the server does not " +
			"keep it. One channel is one `send` request per part; several channels are one `sendbatch` request " +
			"per part, all or nothing. The arguments, names and limits are those of `realtime_message` with " +
			"`delivery = \"send\"`.",
	}
}
