//! An agent's day as the simulation runs it: planned pauses become real when the
//! simulation reaches them, and calls push the pauses they overlap to later.

use cxhub_model::time::Instant;

use crate::roster::Pause;

/// A pause as the rota plans it; it becomes [`Realized`] when the day reaches it.
#[derive(Debug, Clone)]
pub(super) struct Planned {
    pub kind: Pause,
    pub start: Instant,
    pub length_ms: i64,
    pub reason: Option<&'static str>,
}

/// A pause as it happened. `end` is `None` for the final logout.
#[derive(Debug, Clone)]
struct Realized {
    kind: Pause,
    start: Instant,
    end: Option<Instant>,
    reason: Option<&'static str>,
}

/// A working agent's day: when they log in and out, and their pauses.
#[derive(Debug, Clone)]
pub(super) struct Shift {
    login: Instant,
    /// The planned logout; pauses that would run past it are dropped.
    logout: Instant,
    /// In start order; the last one is the logout.
    planned: Vec<Planned>,
    /// The first planned pause not made real yet.
    next: usize,
    /// In start order, never overlapping.
    realized: Vec<Realized>,
}

/// One agent's day: their shift, if they work, and when their current work ends.
#[derive(Debug, Clone)]
pub(crate) struct AgentState {
    pub(super) shift: Option<Shift>,
    /// The end of the agent's last call, ringing or wrap-up.
    pub busy_until: Instant,
}

impl Shift {
    /// A shift from `login` to `logout` with its pauses planned, in start order.
    pub(super) fn new(login: Instant, logout: Instant, mut planned: Vec<Planned>) -> Shift {
        planned.sort_by_key(|it| it.start);
        planned.push(Planned {
            kind: Pause::Offline,
            start: logout,
            length_ms: 0,
            reason: Some("end of shift"),
        });
        Shift {
            login,
            logout,
            planned,
            next: 0,
            realized: Vec::new(),
        }
    }
}

impl AgentState {
    /// Makes real every pause planned to start by `now`: it starts when the agent is free.
    pub(crate) fn advance(&mut self, now: Instant) {
        let Some(shift) = self.shift.as_mut() else {
            return;
        };
        while let Some(pause) = shift.planned.get(shift.next) {
            if pause.start > now {
                break;
            }
            shift.next += 1;
            let free_from = match shift.realized.last() {
                Some(last) => match last.end {
                    Some(end) => end.max(self.busy_until),
                    None => return,
                },
                None => self.busy_until,
            };
            let start = pause.start.max(free_from);
            let end = match pause.kind {
                Pause::Offline => None,
                _ => Some(start.plus_millis(pause.length_ms)),
            };
            if end.is_some_and(|end| end > shift.logout) {
                continue;
            }
            shift.realized.push(Realized {
                kind: pause.kind,
                start,
                end,
                reason: pause.reason,
            });
        }
    }

    /// Whether the agent can be offered a call at `now` (after [`AgentState::advance`]):
    /// logged in, not on a call, not paused.
    pub(crate) fn ready(&self, now: Instant) -> bool {
        let Some(shift) = &self.shift else {
            return false;
        };
        now >= shift.login && self.busy_until <= now && self.pause_at(now).is_none()
    }

    /// The earliest instant from `now` at which the agent may be ready, not counting
    /// pauses that are still only planned; `None` once they logged out.
    pub(crate) fn ready_from(&self, now: Instant) -> Option<Instant> {
        let shift = self.shift.as_ref()?;
        let mut at = now.max(shift.login).max(self.busy_until);
        while let Some(pause) = self.pause_at(at) {
            at = pause.end?;
        }
        Some(at)
    }

    /// The realised pause the agent is in at `now`, if any.
    fn pause_at(&self, now: Instant) -> Option<&Realized> {
        let shift = self.shift.as_ref()?;
        shift
            .realized
            .iter()
            .rev()
            .find(|pause| pause.start <= now && pause.end.is_none_or(|end| now < end))
    }

    /// Whether the agent is logged in at `now`, whatever their status.
    pub(crate) fn logged_in(&self, now: Instant) -> bool {
        match &self.shift {
            Some(shift) => {
                let logout = match shift.realized.last() {
                    Some(last) if last.end.is_none() => last.start,
                    _ => shift.logout,
                };
                now >= shift.login && now < logout
            }
            None => false,
        }
    }

    /// Since when the agent has been idle at `now`, for longest-idle routing.
    pub(crate) fn idle_since(&self, now: Instant) -> Instant {
        let Some(shift) = &self.shift else {
            return Instant::MAX;
        };
        let last_pause_end = shift
            .realized
            .iter()
            .filter_map(|pause| pause.end)
            .filter(|end| *end <= now)
            .max()
            .unwrap_or(Instant::MIN);
        self.busy_until.max(shift.login).max(last_pause_end)
    }

    /// Books the agent from `from` to `until`. A pause already made real that this
    /// overlaps starts when the agent is free instead, and later ones move along.
    pub(crate) fn occupy(&mut self, from: Instant, until: Instant) {
        self.busy_until = self.busy_until.max(until);
        let Some(shift) = self.shift.as_mut() else {
            return;
        };
        let mut free = self.busy_until;
        let logout = shift.logout;
        shift.realized.retain_mut(|pause| {
            let ends_before = pause.end.is_some_and(|end| end <= from);
            if ends_before || pause.start >= free {
                return true;
            }
            let length = pause
                .end
                .map(|end| end.as_millis() - pause.start.as_millis());
            pause.start = free;
            pause.end = length.map(|length| free.plus_millis(length));
            match pause.end {
                Some(end) if end > logout => false,
                Some(end) => {
                    free = end;
                    true
                }
                None => true,
            }
        });
    }

    /// Makes every remaining pause real; call once the voice simulation is over.
    pub(crate) fn close(&mut self) {
        self.advance(Instant::MAX);
    }

    /// The first instant from `now` at which the agent is available in presence terms
    /// (logged in and not paused), ignoring calls; `None` if not again today.
    pub(crate) fn available_from(&self, now: Instant) -> Option<Instant> {
        let shift = self.shift.as_ref()?;
        let mut at = now.max(shift.login);
        for pause in &shift.realized {
            let covers = pause.start <= at && pause.end.is_none_or(|end| at < end);
            if covers {
                at = pause.end?;
            }
        }
        Some(at)
    }

    /// The presence changes of the day, in time order, without external ids.
    pub(super) fn changes(&self) -> Vec<(Instant, Pause, bool, Option<&'static str>)> {
        let Some(shift) = &self.shift else {
            return Vec::new();
        };
        // (at, pause, entering the pause?, reason); logging in is leaving "offline".
        let mut changes = vec![(shift.login, Pause::Offline, false, Some("start of shift"))];
        for pause in &shift.realized {
            changes.push((pause.start, pause.kind, true, pause.reason));
            if let Some(end) = pause.end {
                changes.push((end, pause.kind, false, None));
            }
        }
        changes
    }
}
