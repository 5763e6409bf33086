//! The error responses every operation can give, stated in the document: the handlers'
//! annotations name their own outcomes, and this pass adds what the edge and the
//! extractors answer for every operation alike, all as `application/problem+json`:
//! - 401 and 403 on an operation behind a token;
//! - 400 on one that takes parameters or a body;
//! - 404 on one whose path names a record;
//! - 413, 415 and 408 on one that takes a body.

use utoipa::openapi::path::Operation;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};

/// The media type of every native error.
pub const PROBLEM: &str = "application/problem+json";

pub struct Errors;

impl utoipa::Modify for Errors {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let names_record = path.contains('{');
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for operation in operations.into_iter().flatten() {
                state_errors(operation, names_record);
            }
        }
    }
}

fn state_errors(operation: &mut Operation, names_record: bool) {
    let secured = operation.security.as_ref().is_some_and(|it| !it.is_empty());
    let takes_input = operation
        .parameters
        .as_ref()
        .is_some_and(|it| !it.is_empty())
        || operation.request_body.is_some()
        || names_record;
    let takes_body = operation.request_body.is_some();
    let mut add = |status: &str, description: &str| {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| problem(description));
    };
    if secured {
        add("401", "no bearer token, or one cxhub does not know");
        add("403", "the token's role may not do this");
    }
    if takes_input {
        add(
            "400",
            "an input is not acceptable; each one is named with its reason",
        );
    }
    if names_record {
        add("404", "nothing by that id in the token's tenant");
    }
    if takes_body {
        add("408", "the body did not arrive in time");
        add("413", "the body is over the limit");
        add("415", "the body is not JSON");
    }
    // Every error is a problem document, whatever its annotation said.
    for (status, response) in operation.responses.responses.iter_mut() {
        let error = status.starts_with('4') || status.starts_with('5');
        if let (true, RefOr::T(response)) = (error, response) {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            response.content.clear();
            response.content.insert(PROBLEM.to_owned(), content.into());
        }
    }
}

fn problem(description: &str) -> RefOr<utoipa::openapi::Response> {
    let content = ContentBuilder::new()
        .schema(Some(Ref::from_schema_name("Problem")))
        .build();
    RefOr::T(
        ResponseBuilder::new()
            .description(description)
            .content(PROBLEM, content)
            .build(),
    )
}
