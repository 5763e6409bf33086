//! What conversations are about: dispositions, labels, message lines and ticket
//! subjects for each queue topic.

use crate::queues::Topic;
use crate::random::{self, SimRng};

/// Wrap-up outcomes an agent picks after a conversation.
pub(crate) fn disposition(rng: &mut SimRng, topic: Topic) -> &'static str {
    let choices: &[&str] = match topic {
        Topic::Sales => &[
            "sale_completed",
            "quote_sent",
            "no_sale",
            "callback_scheduled",
            "information_provided",
        ],
        Topic::Support => &[
            "resolved",
            "resolved",
            "escalated",
            "follow_up_required",
            "information_provided",
        ],
        Topic::Billing => &[
            "payment_taken",
            "refund_processed",
            "invoice_sent",
            "resolved",
            "escalated",
        ],
        Topic::Care => &[
            "resolved",
            "escalated",
            "follow_up_required",
            "callback_scheduled",
        ],
    };
    random::pick_copy(rng, choices)
}

/// The wrap-up form each topic's agents fill in.
pub(crate) fn wrap_up_form(topic: Topic) -> &'static str {
    match topic {
        Topic::Sales => "wf-sales-v3",
        Topic::Support => "wf-support-v5",
        Topic::Billing => "wf-billing-v2",
        Topic::Care => "wf-vip-v1",
    }
}

/// Zero to two conversation labels.
pub(crate) fn labels(rng: &mut SimRng, topic: Topic) -> Vec<String> {
    let pool: &[&str] = match topic {
        Topic::Sales => &["New lead", "Upsell", "Pricing", "Promo-Q4"],
        Topic::Support => &["Technical-V2", "Delivery", "Returns", "Login issue"],
        Topic::Billing => &["Invoice", "Refund", "Payment failed"],
        Topic::Care => &["Premium Support", "Escalation", "Priority"],
    };
    let mut labels: Vec<String> = Vec::new();
    for _ in 0..random::weighted(rng, &[(0, 0.55), (1, 0.35), (2, 0.10)]) {
        let label = random::pick(rng, pool).to_string();
        if !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

/// A customer's opening message.
pub(crate) fn opener(rng: &mut SimRng, topic: Topic) -> &'static str {
    let lines: &[&str] = match topic {
        Topic::Sales => &[
            "Hi, do you have the Pro plan in stock for delivery this week?",
            "What's the price difference between the Standard and Pro plans?",
            "Is the discount code still valid for existing customers?",
            "I'd like to upgrade my subscription, can you help?",
        ],
        Topic::Support => &[
            "My order hasn't arrived yet, can you check the tracking?",
            "I can't log in to the app, it says my password is wrong.",
            "The item I received is damaged, how do I return it?",
            "The app crashes every time I open the order history.",
        ],
        Topic::Billing => &[
            "I was charged twice for my last order.",
            "Can you send me a VAT invoice for March?",
            "My card payment keeps failing at checkout.",
            "When will my refund reach my account?",
        ],
        Topic::Care => &[
            "I need urgent help with a corporate order.",
            "Please call me back about my account manager.",
            "Our team can't access the shared account since this morning.",
        ],
    };
    random::pick_copy(rng, lines)
}

/// A line from the customer later in the conversation.
pub(crate) fn customer_line(rng: &mut SimRng) -> &'static str {
    random::pick_copy(
        rng,
        &[
            "Sure, my order number is 48213.",
            "Yes, that's the one.",
            "I tried that already, it didn't work.",
            "OK, thank you.",
            "How long will that take?",
            "Can you send me that by email as well?",
            "Great, that works for me.",
        ],
    )
}

/// A line from the agent.
pub(crate) fn agent_line(rng: &mut SimRng) -> &'static str {
    random::pick_copy(
        rng,
        &[
            "Thanks for waiting, let me check that for you.",
            "Could you confirm the email address on your account?",
            "I've found your order, one moment please.",
            "I've escalated this to our specialist team.",
            "That's done now, you should see the change within an hour.",
            "I've sent the details to your email.",
            "Is there anything else I can help you with?",
        ],
    )
}

pub(crate) const BOT_GREETING: &str = "Hi! I'm the Northwind assistant. Tell me what you need and I'll connect you to the right team.";
pub(crate) const BOT_HANDOFF: &str = "Thanks! An agent will be with you shortly.";
pub(crate) const BOT_OFFLINE: &str =
    "Our team is offline right now. Leave a message and we'll reply as soon as we're back.";
pub(crate) const AGENT_CLOSING: &str = "Thanks for contacting Northwind, have a great day!";

/// A ticket's title and description for a conversation on `topic`.
pub(crate) fn ticket_subject(rng: &mut SimRng, topic: Topic) -> (String, &'static str) {
    let order = random::between(rng, 10_000, 99_999);
    let (title, description) = match topic {
        Topic::Sales => random::pick_copy(
            rng,
            &[
                (
                    "Quote request for order",
                    "Customer asked for a formal quote for a bulk order.",
                ),
                (
                    "Upgrade to Pro plan for order",
                    "Customer wants to upgrade and keep their current billing date.",
                ),
                (
                    "Discount not applied to order",
                    "Promo code was accepted at checkout but the total did not change.",
                ),
            ],
        ),
        Topic::Support => random::pick_copy(
            rng,
            &[
                (
                    "Delivery delayed for order",
                    "Tracking has not updated for three days; customer needs the parcel by Friday.",
                ),
                (
                    "Damaged item in order",
                    "Customer sent photos of the damaged item and asks for a replacement.",
                ),
                (
                    "Cannot log in after password reset for order",
                    "Reset email arrives but the new password is rejected.",
                ),
                (
                    "App crash when opening history for order",
                    "Crash on Android 14 when opening order history.",
                ),
            ],
        ),
        Topic::Billing => random::pick_copy(
            rng,
            &[
                (
                    "Double charge on order",
                    "Two identical card charges appear on the customer's statement.",
                ),
                (
                    "Refund not received for order",
                    "Refund approved ten days ago, not yet on the customer's card.",
                ),
                (
                    "Invoice correction for order",
                    "Company name and tax number on the invoice need correcting.",
                ),
            ],
        ),
        Topic::Care => random::pick_copy(
            rng,
            &[
                (
                    "Priority: corporate account access for order",
                    "Several users of a corporate account are locked out.",
                ),
                (
                    "Account manager callback for order",
                    "Customer asks their account manager to call back today.",
                ),
            ],
        ),
    };
    (format!("{title} #{order}"), description)
}

/// The ticket type usual for a topic.
pub(crate) fn ticket_type(rng: &mut SimRng, topic: Topic) -> &'static str {
    match topic {
        Topic::Sales => random::pick_copy(rng, &["question", "request", "task"]),
        Topic::Support => random::pick_copy(rng, &["incident", "problem", "question"]),
        Topic::Billing => random::pick_copy(rng, &["request", "incident", "question"]),
        Topic::Care => random::pick_copy(rng, &["incident", "request"]),
    }
}

/// Category key suffixes (see the catalogue) that fit a topic.
pub(crate) fn categories(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Sales => &["sales", "sales-pricing", "sales-upgrade"],
        Topic::Support => &[
            "orders",
            "orders-delivery",
            "orders-returns",
            "technical",
            "technical-login",
            "technical-app",
        ],
        Topic::Billing => &["billing", "billing-invoice", "billing-refund"],
        Topic::Care => &["account", "account-profile", "orders"],
    }
}

/// Tag key suffixes (see the catalogue) that fit a topic.
pub(crate) fn tags(topic: Topic) -> &'static [&'static str] {
    match topic {
        Topic::Sales => &["new-customer", "follow-up", "feedback", "churn-risk"],
        Topic::Support => &[
            "shipping",
            "technical",
            "complaint",
            "follow-up",
            "repeat-caller",
        ],
        Topic::Billing => &["billing", "refund", "complaint", "urgent"],
        Topic::Care => &["vip", "urgent", "follow-up", "churn-risk"],
    }
}

pub(crate) const PRODUCTS: [&str; 6] = [
    "Northwind Basic",
    "Northwind Standard",
    "Northwind Pro",
    "Northwind Business",
    "Smart Router X2",
    "Mesh Kit 3-pack",
];
