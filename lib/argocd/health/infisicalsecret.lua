-- Health of an InfisicalSecret (secrets.infisical.com/v1alpha1) for Argo CD, which has none built in.
-- Written from the conditions the Infisical operator v0.11.5 sets on every reconcile
-- (internal/services/infisicalsecret/conditions.go:14-46, called from
-- internal/controller/infisicalsecret_controller.go:217-218): "secrets.infisical.com/ReadyToSyncSecrets"
-- is True once the managed Secret was written, and False, with the error, when the sync failed
-- (authentication failures included, reconciler.go:721-732). Until the operator has reconciled
-- once there is no condition: the Secret may not exist yet, so wave 0 keeps waiting.
local hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "secrets.infisical.com/ReadyToSyncSecrets" then
      if condition.status == "True" then
        hs.status = "Healthy"
      elseif condition.status == "False" then
        hs.status = "Degraded"
      else
        hs.status = "Progressing"
      end
      hs.message = condition.message
      return hs
    end
  end
end
hs.status = "Progressing"
hs.message = "Waiting for the Infisical operator to sync the secret"
return hs
