//! Roles and policies: account records that CloudAPI lists whole, reads by name or id, creates
//! at `/<account>/<collection>/<name>`, updates field by field and deletes by id only. What
//! the two have in common is said here once; each keeps only its fields and its RPCs.

use super::context::{Any, Ctx, Signed};
use super::error::{ApiError, or_not_found};
use super::params::Params;
use super::response::{created, encode_segment, no_content, ok};
use crate::session::Core;
use axum::response::Response;
use roster_proto::v1 as pb;
use serde::Serialize;
use std::future::Future;
use tonic::Status;

/// One kind of named record and how the core keeps it.
pub(crate) trait Named: Clone + Send + 'static {
    /// The collection's path segment (`roles`), also in CloudAPI's action for listing it
    /// (`listroles`).
    const COLLECTION: &'static str;
    /// One record, in CloudAPI's actions on it (`getrole`).
    const NOUN: &'static str;
    /// What CloudAPI answers for it.
    type View: Serialize + for<'a> From<&'a Self>;

    /// A record that changes nothing yet of the one with `id`.
    fn with_id(id: String) -> Self;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn set_name(&mut self, name: String);
    fn list(core: &Core) -> impl Future<Output = Result<Vec<Self>, Status>> + Send;
    fn get(core: &Core, id_or_name: String) -> impl Future<Output = Result<Self, Status>> + Send;
    fn create(core: &Core, new: Self) -> impl Future<Output = Result<Self, Status>> + Send;
    fn update(
        core: &Core,
        change: Self,
        paths: Vec<String>,
    ) -> impl Future<Output = Result<Self, Status>> + Send;
    fn delete(core: &Core, id: String) -> impl Future<Output = Result<(), Status>> + Send;
}

fn missing(name: &str) -> impl FnOnce() -> String + '_ {
    move || format!("{name} does not exist")
}

/// `GET /<account>/<collection>`: every record of the kind.
pub(crate) async fn list<R: Named>(req: Signed<Any>) -> Result<Response, ApiError> {
    let a = req.allow(&format!("list{}", R::COLLECTION)).await?;
    let all = R::list(&a.ctx.core).await?;
    Ok(ok(&all.iter().map(R::View::from).collect::<Vec<_>>()))
}

/// The record a path names, by name or id.
pub(crate) async fn find<R: Named>(ctx: &Ctx, target: &str) -> Result<R, ApiError> {
    R::get(&ctx.core, target.to_owned())
        .await
        .map_err(|s| or_not_found(&s, missing(target)))
}

/// `GET /<account>/<collection>/<target>`.
pub(crate) async fn read<R: Named>(req: Signed<Any>) -> Result<Response, ApiError> {
    let a = req.allow(&format!("get{}", R::NOUN)).await?;
    Ok(ok(&R::View::from(&find::<R>(&a.ctx, &a.target).await?)))
}

/// How the core's refusal of a write of this record reads in CloudAPI's words.
pub(crate) type Refused<R> = fn(&Status, &R) -> ApiError;

/// Creates `new`; 201 with where it now lives.
pub(crate) async fn create<R: Named>(
    ctx: &Ctx,
    new: R,
    refused: Refused<R>,
) -> Result<Response, ApiError> {
    let made = R::create(&ctx.core, new.clone())
        .await
        .map_err(|s| refused(&s, &new))?;
    let location = format!(
        "/{}/{}/{}",
        ctx.caller.account,
        R::COLLECTION,
        encode_segment(made.name())
    );
    Ok(created(&R::View::from(&made), &location))
}

/// `POST /<account>/<collection>/<target>`: writes `name` and what `fields` reads from the
/// parameters (each field it sets named in the paths); with nothing named, the record is
/// answered as it is.
pub(crate) async fn update<R: Named>(
    req: Signed<Any>,
    fields: fn(&Params, &mut R, &mut Vec<String>),
    refused: Refused<R>,
) -> Result<Response, ApiError> {
    let a = req.allow(&format!("update{}", R::NOUN)).await?;
    let current = find::<R>(&a.ctx, &a.target).await?;
    let mut change = R::with_id(current.id().to_owned());
    let mut paths = Vec::new();
    if let Some(name) = a.p.required("name") {
        change.set_name(name);
        paths.push("name".to_owned());
    }
    fields(&a.p, &mut change, &mut paths);
    let now = if paths.is_empty() {
        current
    } else {
        R::update(&a.ctx.core, change.clone(), paths)
            .await
            .map_err(|s| refused(&s, &change))?
    };
    Ok(ok(&R::View::from(&now)))
}

/// `DELETE /<account>/<collection>/<target>`: CloudAPI deletes these by id only.
pub(crate) async fn delete<R: Named>(req: Signed<Any>) -> Result<Response, ApiError> {
    let a = req.allow(&format!("delete{}", R::NOUN)).await?;
    let target = a.target.as_str();
    if uuid::Uuid::try_parse(target).is_err() {
        return Err(ApiError::not_found(missing(target)()));
    }
    R::delete(&a.ctx.core, target.to_owned())
        .await
        .map_err(|s| or_not_found(&s, missing(target)))?;
    Ok(no_content())
}

/// `Named` for a record kept by the core's RoleService, which names its RPCs, requests and
/// fields after the record (`list_roles`, `CreateRoleRequest { role, request_id: String::new(),  }`, ...).
macro_rules! named {
    ($record:ty, $collection:literal, $noun:literal, $view:ty, $field:ident, $plural:ident,
     $list:ident($list_req:ident), $get:ident($get_req:ident), $create:ident($create_req:ident),
     $update:ident($update_req:ident), $delete:ident($delete_req:ident)) => {
        impl Named for $record {
            const COLLECTION: &'static str = $collection;
            const NOUN: &'static str = $noun;
            type View = $view;

            fn with_id(id: String) -> Self {
                Self {
                    id,
                    ..Self::default()
                }
            }
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn set_name(&mut self, name: String) {
                self.name = name;
            }
            fn list(core: &Core) -> impl Future<Output = Result<Vec<Self>, Status>> + Send {
                let mut c = core.roles();
                async move { Ok(c.$list(pb::$list_req {}).await?.into_inner().$plural) }
            }
            fn get(
                core: &Core,
                id_or_name: String,
            ) -> impl Future<Output = Result<Self, Status>> + Send {
                let mut c = core.roles();
                async move { Ok(c.$get(pb::$get_req { id_or_name }).await?.into_inner()) }
            }
            fn create(core: &Core, new: Self) -> impl Future<Output = Result<Self, Status>> + Send {
                let mut c = core.roles();
                let req = pb::$create_req {
                    $field: Some(new),
                    request_id: String::new(),
                };
                async move { Ok(c.$create(req).await?.into_inner()) }
            }
            fn update(
                core: &Core,
                change: Self,
                paths: Vec<String>,
            ) -> impl Future<Output = Result<Self, Status>> + Send {
                let mut c = core.roles();
                let req = pb::$update_req {
                    $field: Some(change),
                    update_mask: Some(prost_types::FieldMask { paths }),
                    request_id: String::new(),
                };
                async move { Ok(c.$update(req).await?.into_inner()) }
            }
            fn delete(core: &Core, id: String) -> impl Future<Output = Result<(), Status>> + Send {
                let mut c = core.roles();
                async move {
                    c.$delete(pb::$delete_req {
                        id,
                        request_id: String::new(),
                    })
                    .await?;
                    Ok(())
                }
            }
        }
    };
}

named! {
    pb::Role, "roles", "role", super::model::Role, role, roles,
    list_roles(ListRolesRequest), get_role(GetRoleRequest), create_role(CreateRoleRequest),
    update_role(UpdateRoleRequest), delete_role(DeleteRoleRequest)
}
named! {
    pb::Policy, "policies", "policy", super::model::Policy, policy, policies,
    list_policies(ListPoliciesRequest), get_policy(GetPolicyRequest),
    create_policy(CreatePolicyRequest), update_policy(UpdatePolicyRequest),
    delete_policy(DeletePolicyRequest)
}
