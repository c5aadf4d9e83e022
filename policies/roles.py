"""The staff groups of the portal. Their rights are created by migrations; names are stable."""

POLICY_EDITORS = "政策编辑 Policy editors"
POLICY_APPROVERS = "政策审核发布 Policy approvers"
APPLICATION_REVIEWERS = "项目评审 Application reviewers"
ENTERPRISE_VERIFIERS = "企业核验 Enterprise verifiers"
ENQUIRY_HANDLERS = "诉求办理 Enquiry handlers"
ENQUIRY_DISPATCHERS = "诉求分派 Enquiry dispatchers"
ENQUIRY_SUPERVISORS = "督办 Enquiry supervisors"

STAFF_GROUPS = (POLICY_EDITORS, POLICY_APPROVERS, APPLICATION_REVIEWERS, ENTERPRISE_VERIFIERS)

WORKFLOW_NAME = "政策发布审核 Policy review"
FINANCE = "资金拨付 Finance"
FULFILMENT_OFFICERS = "政策兑现 Fulfilment officers"
