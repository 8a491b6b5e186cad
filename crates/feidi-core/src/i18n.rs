//! The interface's words in Simplified Chinese (first) and English (second).

use serde::{Deserialize, Serialize};

/// A user's interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "zh" | "zh-CN" | "zh-Hans" => Some(Self::Zh),
            "en" | "en-US" | "en-GB" => Some(Self::En),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Zh => "zh",
            Self::En => "en",
        }
    }

    /// The value of the page's `lang` attribute.
    pub fn html(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    /// The word for `key`; the key itself when the table lacks it, so a gap shows rather than
    /// breaking the page.
    pub fn t(self, key: &str) -> &'static str {
        match MESSAGES.binary_search_by(|(k, _, _)| (*k).cmp(key)) {
            Ok(i) => match self {
                Self::Zh => MESSAGES[i].1,
                Self::En => MESSAGES[i].2,
            },
            Err(_) => "?",
        }
    }
}

/// (key, 中文, English), sorted by key (a test keeps it so).
#[rustfmt::skip]
static MESSAGES: &[(&str, &str, &str)] = &[
    ("action.cancel", "取消", "Cancel"),
    ("action.create", "新建", "Create"),
    ("action.delete", "删除", "Delete"),
    ("action.edit", "编辑", "Edit"),
    ("action.filter", "筛选", "Filter"),
    ("action.save", "保存", "Save"),
    ("app.name", "飞地产业园一体化管理平台", "feidi — enclave park programme"),
    ("app.short", "飞地", "feidi"),
    ("audit.action", "操作", "Action"),
    ("audit.actor", "操作人", "By"),
    ("audit.after", "修改后", "After"),
    ("audit.at", "时间", "When"),
    ("audit.before", "修改前", "Before"),
    ("audit.entity", "对象", "Record"),
    ("audit.title", "审计日志", "Audit log"),
    ("cockpit.as_of", "截至", "As of"),
    ("cockpit.by_category", "分类投资完成", "Investment by category"),
    ("cockpit.by_zone", "分园区投资完成", "Investment by zone"),
    ("cockpit.counted_to", "统计至", "reports counted to"),
    ("cockpit.cumulative", "累计完成", "Cumulative"),
    ("cockpit.leave_wall", "退出大屏", "Leave wall display"),
    ("cockpit.lights", "红黄绿灯", "Lights"),
    ("cockpit.month_completed", "当月完成", "Month"),
    ("cockpit.plan", "年度计划", "plan"),
    ("cockpit.print_hint", "打印时自动使用打印版式", "Printing uses a print layout"),
    ("cockpit.reasons", "红灯原因", "Why red"),
    ("cockpit.red_list", "红灯项目", "Red projects"),
    ("cockpit.red_more", "仅列出最严重的100个红灯项目。", "Only the 100 worst red projects are listed."),
    ("cockpit.stages", "阶段目标进展", "Stage goals"),
    ("cockpit.title", "领导驾驶舱", "Leaders' cockpit"),
    ("cockpit.trend", "月度完成投资趋势", "Monthly completed investment"),
    ("cockpit.wall", "大屏模式", "Wall display"),
    ("cockpit.whole", "全部项目", "Whole programme"),
    ("cockpit.ytd", "本年已完成", "Completed this year"),
    ("dash.by_category", "按类别", "By category"),
    ("dash.completed", "已完成投资", "Completed investment"),
    ("dash.completion", "完成比例", "Completion"),
    ("dash.projects", "项目数", "Projects"),
    ("dash.title", "首页", "Home"),
    ("dash.total", "总投资", "Total investment"),
    ("dash.total_yi", "总投资（亿元）", "Total (100M yuan)"),
    ("dispatch.as_of", "红黄绿灯评价日", "Lights judged on"),
    ("dispatch.completion", "完成率", "Completion"),
    ("dispatch.download", "下载Excel", "Download Excel"),
    ("dispatch.grand_total", "合计", "Total"),
    ("dispatch.month", "本月完成", "This month"),
    ("dispatch.not_reported", "未报", "not reported"),
    ("dispatch.plan", "年度计划", "Annual plan"),
    ("dispatch.projects", "个项目", "projects"),
    ("dispatch.sheet", "调度报告", "Dispatch"),
    ("dispatch.since_start", "开工累计", "Since start"),
    ("dispatch.status", "本月状态", "Month's state"),
    ("dispatch.subtotal", "小计", " subtotal"),
    ("dispatch.title", "项目调度报告", "Project dispatch report"),
    ("dispatch.total", "总投资", "Total"),
    ("dispatch.unit", "金额单位：万元", "amounts in 10,000 yuan (万元)"),
    ("dispatch.ytd", "本年累计", "Year to date"),
    ("due.date", "报送截止日", "Due by"),
    ("due.first_submitted", "首次报送时间", "First submitted"),
    ("due.late", "逾期报送", "Submitted late"),
    ("due.missing", "未报送", "Missing"),
    ("due.passed", "已过截止日", "past due"),
    ("due.title", "月报催报", "Reports due"),
    ("error.conflict", "该记录已被他人修改，请刷新后重试。您的输入保留如下。", "Someone else changed this record. Reload and try again; what you typed is kept below."),
    ("error.fix_fields", "请更正标出的字段。", "Please correct the marked fields."),
    ("error.in_use", "该记录仍被其他记录引用，不能删除。", "Other records still refer to this one; it cannot be deleted."),
    ("error.stale", "该记录已被他人修改，请刷新页面后重试。", "Someone else changed this record: reload the page and try again."),
    ("error.title_conflict", "操作冲突", "Conflict"),
    ("field.a_official", "A角（包联领导）", "A official"),
    ("field.active", "启用", "Active"),
    ("field.address", "地址", "Address"),
    ("field.area_mu", "面积（亩）", "Area (mu)"),
    ("field.b_official", "B角", "B official"),
    ("field.category", "类别", "Category"),
    ("field.code", "编号", "Code"),
    ("field.contact_name", "联系人", "Contact"),
    ("field.contact_phone", "联系电话", "Phone"),
    ("field.created_at", "创建时间", "Created"),
    ("field.credit_code", "统一社会信用代码", "Unified social credit code"),
    ("field.description", "说明", "Description"),
    ("field.division_code", "行政区划代码", "Division code"),
    ("field.end_date", "截止日期", "End date"),
    ("field.enterprise", "企业", "Enterprise"),
    ("field.expected_annual_output", "预计年产值（元）", "Expected annual output (yuan)"),
    ("field.expected_jobs", "预计就业（人）", "Expected jobs"),
    ("field.host", "所在地（飞入地）", "Host jurisdiction"),
    ("field.industry", "行业", "Industry"),
    ("field.login", "登录名", "Login"),
    ("field.name", "名称", "Name"),
    ("field.note", "说明", "Note"),
    ("field.operator", "运营方（飞出地）", "Operating jurisdiction"),
    ("field.password", "密码", "Password"),
    ("field.phase", "期次", "Phase"),
    ("field.role", "角色", "Role"),
    ("field.sample", "示例数据", "Sample data"),
    ("field.start_date", "开始日期", "Start date"),
    ("field.target_annual_output", "年产值", "Annual output"),
    ("field.target_completed_investment", "完成投资", "Completed investment"),
    ("field.target_jobs", "带动就业", "Jobs"),
    ("field.target_project_count", "项目个数", "Projects"),
    ("field.target_total_investment", "总投资", "Total investment"),
    ("field.total_investment", "总投资（元）", "Total investment (yuan)"),
    ("field.updated_at", "更新时间", "Updated"),
    ("field.user_name", "姓名", "Name"),
    ("field.zone", "园区", "Zone"),
    ("hint.money", "单位：元，最多两位小数，如 470000000 表示 4.7 亿元", "In yuan, up to two decimals: 470000000 is 4.7 × 100M yuan"),
    ("import.choose_kind", "请选择导入内容", "Choose what to import"),
    ("import.field", "字段", "Field"),
    ("import.file", "文件（CSV 或 Excel .xlsx）", "File (CSV or Excel .xlsx)"),
    ("import.kind", "导入内容", "What"),
    ("import.line", "行号", "Line"),
    ("import.more", "仅列出前10000个错误。", "Only the first 10,000 errors are listed."),
    ("import.no_file", "请选择要上传的文件", "Choose a file to upload"),
    ("import.problem", "问题", "Problem"),
    ("import.projects", "项目", "Projects"),
    ("import.projects_header", "项目表头：", "Project header row: "),
    ("import.reports", "月度投资报告", "Monthly reports"),
    ("import.reports_header", "月报表头：", "Report header row: "),
    ("import.rules", "金额以元为单位，最多两位小数；文件中任何一行有误则全部不导入；导入的月报为待审核状态，不覆盖已有月报。", "Amounts in yuan with at most two decimals; a file with any bad row imports nothing; imported reports await review and never replace an existing report."),
    ("import.submit", "上传并导入", "Upload and import"),
    ("import.title", "数据导入", "Import"),
    ("import.unreadable", "无法读取文件", "The file cannot be read"),
    ("light.green", "绿灯", "green"),
    ("light.none", "未评价", "Not judged"),
    ("light.red", "红灯", "red"),
    ("light.yellow", "黄灯", "yellow"),
    ("list.all", "全部", "All"),
    ("list.empty", "没有记录", "No records"),
    ("list.next", "下一页", "Next"),
    ("list.prev", "上一页", "Previous"),
    ("list.search", "搜索名称", "Search name"),
    ("list.total", "共", "Total"),
    ("list.view", "查看", "View"),
    ("login.failed", "登录名或密码不正确。", "Wrong login or password."),
    ("login.locked", "尝试次数过多，账户已暂时锁定，请稍后再试。", "Too many attempts: locked for a while. Try again later."),
    ("login.submit", "登录", "Sign in"),
    ("login.title", "登录", "Sign in"),
    ("milestone.completed", "竣工", "Completed"),
    ("milestone.construction_started", "开工", "Construction started"),
    ("milestone.full_output", "达产达效", "Full output"),
    ("milestone.land_supplied", "供地", "Land supplied"),
    ("milestone.production_started", "投产", "Production started"),
    ("milestone.signed", "签约", "Signed"),
    ("milestone.topped_out", "主体封顶", "Topped out"),
    ("nav.audit", "审计", "Audit"),
    ("nav.cockpit", "驾驶舱", "Cockpit"),
    ("nav.dispatch", "调度报告", "Dispatch report"),
    ("nav.enterprises", "企业", "Enterprises"),
    ("nav.home", "首页", "Home"),
    ("nav.imports", "导入", "Import"),
    ("nav.jurisdictions", "行政区", "Jurisdictions"),
    ("nav.logout", "退出", "Sign out"),
    ("nav.password", "修改密码", "Password"),
    ("nav.projects", "项目库", "Projects"),
    ("nav.reports", "月报", "Reports"),
    ("nav.stages", "阶段目标", "Stages"),
    ("nav.users", "用户", "Users"),
    ("nav.zones", "园区", "Zones"),
    ("noun.enterprise", "企业", "enterprise"),
    ("noun.jurisdiction", "行政区", "jurisdiction"),
    ("noun.project", "项目", "project"),
    ("noun.stage", "阶段目标", "stage"),
    ("noun.user", "用户", "user"),
    ("noun.zone", "园区", "zone"),
    ("password.changed", "密码已修改。", "Password changed."),
    ("password.current", "当前密码", "Current password"),
    ("password.new", "新密码（至少10位）", "New password (10+ characters)"),
    ("password.title", "修改密码", "Change password"),
    ("password.wrong", "当前密码不正确。", "The current password is wrong."),
    ("progress.annual_light", "序时进度", "Annual progress"),
    ("progress.light", "项目状态", "Project light"),
    ("progress.pending", "待审核", "Awaiting review"),
    ("progress.plan", "本年计划投资", "This year's plan"),
    ("progress.since_start", "开工以来累计完成", "Since start"),
    ("progress.title", "投资进度（截至今日）", "Investment progress (as of today)"),
    ("progress.ytd", "本年累计完成", "Year to date"),
    ("project.sample", "示例", "sample"),
    ("report.amount", "本月完成投资（元）", "Completed this month (yuan)"),
    ("report.amount_wan", "本月完成投资", "Completed this month"),
    ("report.approve", "审核通过", "Approve"),
    ("report.approved", "已审核", "approved"),
    ("report.month", "月份", "Month"),
    ("report.note", "形象进度", "Progress"),
    ("report.problems", "存在问题", "Problems"),
    ("report.reason", "退回原因", "Reason for returning"),
    ("report.reopen", "重新打开", "Reopen"),
    ("report.resubmit", "修改后重新上报", "Correct and resubmit"),
    ("report.return", "退回", "Return"),
    ("report.returned", "已退回", "returned"),
    ("report.status", "状态", "Status"),
    ("report.submit", "提交报告", "Submit the report"),
    ("report.submitted", "待审核", "awaiting review"),
    ("report.title", "月度投资报告", "Monthly investment reports"),
    ("schedule.actual", "实际日期", "Actual"),
    ("schedule.light", "状态", "Light"),
    ("schedule.milestone", "节点", "Milestone"),
    ("schedule.pending", "未到期", "not yet due"),
    ("schedule.planned", "计划日期", "Planned"),
    ("schedule.timeline", "节点时间轴", "Milestone timeline"),
    ("schedule.title", "节点计划", "Schedule"),
    ("schedule.today", "今天", "today"),
    ("schedule.variance", "偏差", "Variance"),
    ("stage.current", "进行中", "Under way"),
    ("stage.met", "目标达成", "Goal met"),
    ("stage.missed", "未达成", "Missed"),
    ("stage.sample", "示例目标", "Sample targets"),
    ("stage.time_gone", "时间进度", "Time gone"),
    ("stage.upcoming", "未开始", "Upcoming"),
    ("unit.count", "个", "in all"),
    ("unit.wan", "万元", "10k yuan"),
    ("unit.yi", "亿元", "100M yuan"),
    ("word.no", "否", "no"),
    ("word.yes", "是", "yes"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_and_complete() {
        for pair in MESSAGES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must come before {}",
                pair[1].0,
                pair[0].0
            );
        }
        for (key, zh, en) in MESSAGES {
            assert!(!zh.is_empty() && !en.is_empty(), "{key}");
        }
        assert_eq!(Lang::Zh.t("nav.projects"), "项目库");
        assert_eq!(Lang::En.t("nav.projects"), "Projects");
        assert_eq!(Lang::En.t("no.such.key"), "?");
    }
}
