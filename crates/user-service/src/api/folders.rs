//! `roster.v1.FolderService`.

use crate::convert::folders::{folder_key_from_pb, folder_to_pb};
use crate::core::{Core, Store};
use crate::status::IntoStatus;
use crate::tokens::scopes;
use roster_domain::folders::FolderQuery;
use roster_domain::values::{ExternalId, FolderName};
use roster_domain::{FieldViolations, FolderId, UserId};
use roster_proto::v1 as pb;
use std::sync::Arc;
use tonic::{Request, Response, Status};

#[derive(Debug)]
pub struct FoldersApi<R> {
    core: Arc<Core<R>>,
}

impl<R> FoldersApi<R> {
    pub fn new(core: Arc<Core<R>>) -> Self {
        Self { core }
    }
}

fn folder_id(raw: &str, field: &str) -> Result<FolderId, Status> {
    FolderId::parse(raw).map_err(|e| FieldViolations::single(field, e).into_status())
}

/// The folder and users of a grant or revoke, every bad id reported at once.
fn grant_args(folder: &str, users: &[String]) -> Result<(FolderId, Vec<UserId>), Status> {
    let mut v = FieldViolations::new();
    let id = v.check("folder_id", FolderId::parse(folder));
    let ids: Vec<UserId> = users
        .iter()
        .enumerate()
        .filter_map(|(i, u)| v.check(&format!("user_ids[{i}]"), UserId::parse(u)))
        .collect();
    match id {
        Some(id) if v.is_empty() => Ok((id, ids)),
        _ => Err(v.into_status()),
    }
}

#[tonic::async_trait]
impl<R: Store> pb::folder_service_server::FolderService for FoldersApi<R> {
    async fn create_folder(
        &self,
        req: Request<pb::CreateFolderRequest>,
    ) -> Result<Response<pb::Folder>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::FOLDERS_WRITE).await?;
                let r = req.into_inner();
                let mut v = FieldViolations::new();
                let name = v.check("name", FolderName::parse(&r.name));
                let ext = match r.external_id.as_deref() {
                    Some(x) => v.check("external_id", ExternalId::parse(x)),
                    None => None,
                };
                let Some(name) = name.filter(|_| v.is_empty()) else {
                    return Err(v.into_status());
                };
                let f = self
                    .core
                    .folders
                    .create(&who, &name, ext)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(folder_to_pb(&f)))
            })
            .await
    }

    async fn get_folder(
        &self,
        req: Request<pb::GetFolderRequest>,
    ) -> Result<Response<pb::Folder>, Status> {
        let who = self.core.principal_for(&req, scopes::FOLDERS_READ).await?;
        let key =
            folder_key_from_pb(req.get_ref().key.as_ref()).map_err(IntoStatus::into_status)?;
        let f = self
            .core
            .folders
            .get(&who, &key)
            .await
            .map_err(IntoStatus::into_status)?;
        Ok(Response::new(folder_to_pb(&f)))
    }

    async fn list_folders(
        &self,
        req: Request<pb::ListFoldersRequest>,
    ) -> Result<Response<pb::ListFoldersResponse>, Status> {
        let who = self.core.principal_for(&req, scopes::FOLDERS_READ).await?;
        let r = req.into_inner();
        let limit = super::page_size(r.page_size).map_err(IntoStatus::into_status)?;
        let binding = super::tenant_binding(&who);
        let after = self
            .core
            .pages
            .open_key("folders", &binding, &r.page_token)?;
        let (folders, more) = self
            .core
            .folders
            .list(&who, &FolderQuery { after, limit })
            .await
            .map_err(IntoStatus::into_status)?;
        let next_page_token = match folders.last() {
            Some(f) if more => self.core.pages.seal_key("folders", &binding, &f.name.key()),
            _ => String::new(),
        };
        Ok(Response::new(pb::ListFoldersResponse {
            folders: folders.iter().map(folder_to_pb).collect(),
            next_page_token,
        }))
    }

    async fn delete_folder(
        &self,
        req: Request<pb::DeleteFolderRequest>,
    ) -> Result<Response<()>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::FOLDERS_WRITE).await?;
                let id = folder_id(&req.get_ref().id, "id")?;
                self.core
                    .folders
                    .delete(&who, id)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(()))
            })
            .await
    }

    async fn grant_folder(
        &self,
        req: Request<pb::GrantFolderRequest>,
    ) -> Result<Response<pb::Folder>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::FOLDERS_WRITE).await?;
                let r = req.into_inner();
                let (id, users) = grant_args(&r.folder_id, &r.user_ids)?;
                let f = self
                    .core
                    .folders
                    .grant(&who, id, &users)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(folder_to_pb(&f)))
            })
            .await
    }

    async fn revoke_folder(
        &self,
        req: Request<pb::RevokeFolderRequest>,
    ) -> Result<Response<pb::Folder>, Status> {
        self.core
            .once(req, |req| async move {
                let who = self.core.principal_for(&req, scopes::FOLDERS_WRITE).await?;
                let r = req.into_inner();
                let (id, users) = grant_args(&r.folder_id, &r.user_ids)?;
                let f = self
                    .core
                    .folders
                    .revoke(&who, id, &users)
                    .await
                    .map_err(IntoStatus::into_status)?;
                Ok(Response::new(folder_to_pb(&f)))
            })
            .await
    }
}
