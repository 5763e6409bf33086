//! The router as a list: each route's path and the methods it takes are recorded as the
//! router is built, so a test can walk every route (the cross-tenant probe does) and a
//! route added later is walked too, with no list to keep by hand.

use axum::Router;
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::MethodRouter;

use crate::AppState;

/// A route: its path (axum's syntax, `/v1/calls/{id}`) and its methods.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    pub path: &'static str,
    pub methods: Vec<Method>,
}

/// A router being built, with the routes it has.
#[derive(Default)]
pub struct Routes {
    router: Router<AppState>,
    list: Vec<Route>,
}

/// The handlers of one path, being added.
pub struct At {
    path: &'static str,
    router: MethodRouter<AppState>,
    methods: Vec<Method>,
}

/// Starts the handlers of `path`.
pub fn at(path: &'static str) -> At {
    At {
        path,
        router: MethodRouter::new(),
        methods: Vec::new(),
    }
}

macro_rules! method {
    ($($name:ident => $method:ident),* $(,)?) => {
        $(
            pub fn $name<H, T>(mut self, handler: H) -> At
            where
                H: Handler<T, AppState>,
                T: 'static,
            {
                self.router = self.router.$name(handler);
                self.methods.push(Method::$method);
                self
            }
        )*
    };
}

impl At {
    method!(get => GET, post => POST, patch => PATCH, put => PUT, delete => DELETE);

    /// Every method, to one handler that checks the method itself.
    pub fn any<H, T>(mut self, handler: H) -> At
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        self.router = axum::routing::any(handler);
        self.methods = [
            Method::GET,
            Method::POST,
            Method::PUT,
            Method::PATCH,
            Method::DELETE,
        ]
        .to_vec();
        self
    }
}

impl Routes {
    pub fn route(mut self, at: At) -> Routes {
        self.router = self.router.route(at.path, at.router);
        self.list.push(Route {
            path: at.path,
            methods: at.methods,
        });
        self
    }

    pub fn merge(mut self, other: Routes) -> Routes {
        self.router = self.router.merge(other.router);
        self.list.extend(other.list);
        self
    }

    /// Changes the router without adding routes to the list (a catch-all, a fallback).
    pub fn map_router(
        mut self,
        change: impl FnOnce(Router<AppState>) -> Router<AppState>,
    ) -> Routes {
        self.router = change(self.router);
        self
    }

    pub fn list(&self) -> &[Route] {
        &self.list
    }

    pub fn into_router(self) -> Router<AppState> {
        self.router
    }
}
