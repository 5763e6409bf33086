//! The simulated tenant's directory: users, queues, contacts, tags, categories,
//! ticket attributes and the presence catalogue.
//!
//! The directory is drawn from its own random stream, so it is the same for every day
//! of a run and can be built once and handed to each [`crate::simulate_day`] call.

use cxhub_model::directory::{
    Attribute, AttributeType, Category, Contact, PlatformIdentity, PresenceStatus, Queue, Tag, User,
};
use cxhub_model::ids::Key;
use cxhub_model::time::Instant;

use crate::names::{self, Country};
use crate::random::{self, SimRng, Stream};
use crate::{Directory, SimConfig};

/// The simulated company's mail domain.
pub(crate) const COMPANY_DOMAIN: &str = "northwind.example";

/// Tags as (key suffix, name).
pub(crate) const TAGS: [(&str, &str); 12] = [
    ("vip", "VIP"),
    ("complaint", "Complaint"),
    ("refund", "Refund"),
    ("follow-up", "Follow-up"),
    ("shipping", "Shipping"),
    ("technical", "Technical"),
    ("billing", "Billing"),
    ("feedback", "Feedback"),
    ("urgent", "Urgent"),
    ("repeat-caller", "Repeat caller"),
    ("churn-risk", "Churn risk"),
    ("new-customer", "New customer"),
];

/// Categories as (key suffix, name, parent key suffix).
const CATEGORIES: [(&str, &str, Option<&str>); 14] = [
    ("orders", "Orders", None),
    ("orders-delivery", "Delivery", Some("orders")),
    ("orders-returns", "Returns", Some("orders")),
    ("billing", "Billing", None),
    ("billing-invoice", "Invoices", Some("billing")),
    ("billing-refund", "Refunds", Some("billing")),
    ("technical", "Technical", None),
    ("technical-login", "Login and access", Some("technical")),
    ("technical-app", "Mobile app", Some("technical")),
    ("account", "Account", None),
    ("account-profile", "Profile changes", Some("account")),
    ("sales", "Sales", None),
    ("sales-pricing", "Pricing", Some("sales")),
    ("sales-upgrade", "Upgrades", Some("sales")),
];

/// Ticket custom attributes as (system name, display name, type, unique).
const ATTRIBUTES: [(&str, &str, AttributeType, bool); 7] = [
    ("cf_trackingid", "Tracking ID", AttributeType::Text, false),
    ("cf_order_id", "Order ID", AttributeType::Text, false),
    (
        "cf_order_total",
        "Order total",
        AttributeType::Number,
        false,
    ),
    ("cf_vip", "VIP customer", AttributeType::Boolean, false),
    ("cf_due_date", "Due date", AttributeType::Date, false),
    ("cf_product", "Product", AttributeType::Text, false),
    (
        "cf_refund_approved",
        "Refund approved",
        AttributeType::Boolean,
        false,
    ),
];

/// Every user whose index is a multiple of this is a supervisor.
pub(crate) const SUPERVISOR_EVERY: usize = 8;

/// One contact in this many is a VIP; VIPs call the VIP line.
pub(crate) const VIP_EVERY: usize = 25;

pub(crate) fn build(config: &SimConfig) -> Directory {
    let mut rng = random::stream(config.seed, u32::MAX, Stream::Directory);
    let home = names::home_country(config.zone.name());
    let origin = origin(config);
    let users = users(&mut rng, home, config.agents as usize, origin);
    let contact_count = (config.calls_per_day as usize).saturating_mul(2).max(2000);
    let contacts = (0..contact_count)
        .map(|idx| contact(&mut rng, home, idx, contact_count, origin))
        .collect();
    Directory {
        users,
        queues: crate::queues::directory_queues(origin),
        contacts,
        tags: tags(origin),
        categories: categories(origin),
        attributes: attributes(origin),
        presence_statuses: PresenceStatus::defaults(),
    }
}

/// Picks a customer from the contact pool: popular contacts come back more often, as
/// repeat callers do. `None` for the rare deleted contact, who then calls as a stranger.
pub(crate) fn pick_contact(rng: &mut SimRng, directory: &Directory) -> Option<usize> {
    let count = directory.contacts.len();
    if count == 0 {
        return None;
    }
    let skew = random::uniform(rng, 0.0, 1.0).powf(1.6);
    let idx = ((count as f64 * skew) as usize).min(count - 1);
    directory.contacts[idx].deleted_at.is_none().then_some(idx)
}

pub(crate) fn key(text: &str) -> Key {
    Key::parse(text).expect("simulated keys are valid")
}

/// When the tenant set its directory up: a year and a bit before the first day.
fn origin(config: &SimConfig) -> Instant {
    let local = config.start.at(9, 0, 0, 0);
    let first_day = config.zone.instant_of(local).unwrap_or(Instant::MIN);
    first_day.plus_secs(-400 * 86_400)
}

/// The zero-padded key of the `idx`-th item, padded to at least `min_width` digits.
pub(crate) fn padded(prefix: &str, idx: usize, count: usize, min_width: usize) -> String {
    let width = count.to_string().len().max(min_width);
    format!("{prefix}{:0width$}", idx + 1)
}

fn users(rng: &mut SimRng, home: Country, count: usize, origin: Instant) -> Vec<User> {
    let mut emails: Vec<String> = Vec::with_capacity(count);
    let mut users = Vec::with_capacity(count);
    for idx in 0..count {
        let person = home.person(rng);
        let mut email = format!("{}@{COMPANY_DOMAIN}", person.slug);
        if emails.contains(&email) {
            email = format!("{}{}@{COMPANY_DOMAIN}", person.slug, idx + 1);
        }
        emails.push(email.clone());
        let (auth_provider, auth_provider_id) = match random::index(rng, 10) {
            0..=5 => (Some("google"), Some(digits(rng, 21))),
            6 | 7 => (Some("azure_ad"), Some(hex(rng, 32))),
            _ => (None, None),
        };
        let created_at = origin.plus_secs(idx as i64 * 3 * 86_400);
        users.push(User {
            id: key(&padded("u-", idx, count, 3)),
            name: Some(person.display),
            first_name: Some(person.given),
            last_name: Some(person.family),
            email: Some(email),
            phone: random::chance(rng, 0.6).then(|| home.mobile(rng)),
            address: None,
            extension: Some((101 + idx).to_string()),
            auth_provider: auth_provider.map(str::to_owned),
            auth_provider_id,
            created_at: Some(created_at),
            updated_at: Some(created_at.plus_secs(random::between(rng, 0, 200) * 86_400)),
            deleted_at: None,
        });
    }
    users
}

fn contact(rng: &mut SimRng, home: Country, idx: usize, count: usize, origin: Instant) -> Contact {
    let country = names::caller_country(rng, home);
    let person = country.person(rng);
    let mut phones = vec![country.mobile(rng)];
    if random::chance(rng, 0.08) {
        phones.push(country.mobile(rng));
    }
    let emails = match random::chance(rng, 0.55) {
        true => vec![personal_email(rng, &person.slug)],
        false => Vec::new(),
    };
    let platform_ids = platform_ids(rng, &phones[0]);
    let first_channel = match platform_ids.first() {
        Some(identity) if random::chance(rng, 0.6) => identity.channel.clone(),
        _ if !emails.is_empty() && random::chance(rng, 0.2) => "email".to_owned(),
        _ => random::pick(rng, &["phone", "phone", "chat"]).to_string(),
    };
    let mut tags = Vec::new();
    if idx % VIP_EVERY == 3 {
        tags.push(key("tag-vip"));
    }
    if random::chance(rng, 0.06) {
        tags.push(key("tag-new-customer"));
    }
    let business = random::chance(rng, 0.15);
    let created_at = origin.plus_secs(random::between(rng, 0, 390) * 86_400 + idx as i64);
    let contact_id = padded("c-", idx, count, 5);
    Contact {
        id: key(&contact_id),
        name: Some(person.display),
        phones,
        emails,
        address: None,
        channel: Some(first_channel),
        notes: random::chance(rng, 0.05).then(|| random::pick(rng, &NOTES).to_string()),
        contact_number: Some(idx as i64 + 1),
        company_id: business.then(|| format!("co-{:04}", random::between(rng, 1, 400))),
        profile_url: random::chance(rng, 0.3)
            .then(|| format!("https://avatars.example/{contact_id}.png")),
        social_profile_url: platform_ids
            .iter()
            .find(|it| it.channel == "messenger")
            .map(|it| format!("https://facebook.com/{}", it.platform_id)),
        tags,
        platform_ids,
        created_at: Some(created_at),
        updated_at: Some(created_at.plus_secs(random::between(rng, 0, 30) * 86_400)),
        // A few contacts were deleted; the simulator never routes them.
        deleted_at: random::chance(rng, 0.005).then(|| created_at.plus_secs(86_400)),
    }
}

const NOTES: [&str; 5] = [
    "prefers calls after 17:00",
    "speaks English",
    "asked not to be called on weekends",
    "corporate account, ask for the purchase order number",
    "hard of hearing, speak slowly",
];

fn personal_email(rng: &mut SimRng, slug: &str) -> String {
    let domain = random::pick(
        rng,
        &[
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "icloud.com",
            "hotmail.com",
        ],
    );
    match random::chance(rng, 0.5) {
        true => format!("{slug}{}@{domain}", random::between(rng, 1, 99)),
        false => format!("{slug}@{domain}"),
    }
}

/// The contact's ids on social platforms, in the shape each platform uses.
fn platform_ids(rng: &mut SimRng, phone: &str) -> Vec<PlatformIdentity> {
    let mut identities = Vec::new();
    if !random::chance(rng, 0.4) {
        return identities;
    }
    let count = 1 + usize::from(random::chance(rng, 0.3));
    for _ in 0..count {
        let channel = random::weighted(
            rng,
            &[
                ("messenger", 0.38),
                ("whatsapp", 0.3),
                ("line", 0.1),
                ("telegram", 0.07),
                ("viber", 0.05),
                ("instagram", 0.1),
            ],
        );
        if identities
            .iter()
            .any(|it: &PlatformIdentity| it.channel == channel)
        {
            continue;
        }
        identities.push(PlatformIdentity {
            channel: channel.to_owned(),
            platform_id: platform_id(rng, channel, phone),
        });
    }
    identities
}

/// A user id in the shape `channel` gives them: a Messenger page-scoped id, the
/// WhatsApp number, a LINE user id.
pub(crate) fn platform_id(rng: &mut SimRng, channel: &str, phone: &str) -> String {
    match channel {
        "messenger" | "facebook" => digits(rng, 16),
        "whatsapp" => phone.trim_start_matches('+').to_owned(),
        "line" => format!("U{}", hex(rng, 32)),
        "telegram" => digits(rng, 10),
        "viber" => format!("{}==", hex(rng, 22)),
        _ => digits(rng, 17),
    }
}

pub(crate) fn digits(rng: &mut SimRng, count: usize) -> String {
    let mut text = String::with_capacity(count);
    for position in 0..count {
        let low = i64::from(position == 0);
        text.push(char::from(b'0' + random::between(rng, low, 9) as u8));
    }
    text
}

pub(crate) fn hex(rng: &mut SimRng, count: usize) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    (0..count)
        .map(|_| char::from(HEX[random::index(rng, 16)]))
        .collect()
}

fn tags(origin: Instant) -> Vec<Tag> {
    TAGS.iter()
        .enumerate()
        .map(|(position, (suffix, name))| Tag {
            id: key(&format!("tag-{suffix}")),
            name: (*name).to_owned(),
            position: position as i32,
            created_at: Some(origin),
            updated_at: Some(origin),
        })
        .collect()
}

fn categories(origin: Instant) -> Vec<Category> {
    CATEGORIES
        .iter()
        .enumerate()
        .map(|(position, (suffix, name, parent))| Category {
            id: key(&format!("cat-{suffix}")),
            name: (*name).to_owned(),
            parent_id: parent.map(|it| key(&format!("cat-{it}"))),
            position: position as i32,
            created_at: Some(origin),
            updated_at: Some(origin),
        })
        .collect()
}

fn attributes(origin: Instant) -> Vec<Attribute> {
    ATTRIBUTES
        .iter()
        .enumerate()
        .map(
            |(position, (system_name, display, kind, unique))| Attribute {
                id: key(system_name),
                system_name: (*system_name).to_owned(),
                display_name: (*display).to_owned(),
                kind: *kind,
                position: position as i32,
                is_default: position < 2,
                is_archived: false,
                is_required: false,
                is_unique: *unique,
                group_id: None,
                created_at: Some(origin),
                updated_at: Some(origin),
            },
        )
        .collect()
}

/// Queues as the directory shows them; routing details live in [`crate::queues`].
pub(crate) fn queue_record(spec: &crate::queues::QueueSpec, origin: Instant) -> Queue {
    Queue {
        id: key(spec.key),
        name: Some(spec.name.to_owned()),
        sla_answer_secs: spec.sla_answer_secs,
        sla_target_pct: Some(spec.sla_target_pct),
        sla_first_response_secs: Some(spec.sla_first_response_secs),
        sla_resolution_secs: Some(spec.sla_resolution_secs),
        short_abandon_secs: spec.sla_answer_secs.map(|_| 5),
        business_hours: None,
        created_at: Some(origin),
        updated_at: Some(origin),
    }
}
