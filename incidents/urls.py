"""Every page and action of the incident side, grouped by who uses it.

Workflow actions are POSTs on the incident's own address (`incidents/INC-000123/close/`).
"""

from django.urls import path

from .views import equipment, exports, incident, printing, problems, reports
from .views.desk import assignment, bulk, closure, communication, mail, queue, rota, triage
from .views.portal import filing, inbox, incident_page, knowledge, requests, sheet
from .views.technician import actions, consultations, home, visits

app_name = "incidents"

REF = "incidents/<str:ref>/"

urlpatterns = [
    # The incident's page, shared by every role (each sees its own part).
    path(REF, incident.detail, name="detail"),
    path(REF + "attachments/<int:pk>/", incident.attachment, name="attachment"),
    path(REF + "print/", printing.print_sheet, name="print"),
    # --- the user's side (views/portal/)
    path("report/", filing.report, name="report"),
    path("report/help/", knowledge.report_help, name="report_help"),
    path("report/equipment/", filing.equipment_search, name="equipment_search"),
    path("ask/", requests.catalogue, name="request_catalogue"),
    path("ask/<int:pk>/", requests.ask, name="request_new"),
    path("approvals/", requests.approvals, name="approvals"),
    path(REF + "approve/", requests.approve, name="approve"),
    path(REF + "decline/", requests.decline, name="decline"),
    path("incidents/", inbox.my_incidents, name="my_incidents"),
    path(REF + "sent/", filing.confirmation, name="confirmation"),
    path(REF + "answer/", incident_page.answer, name="answer"),
    path(REF + "working-again/", incident_page.working_again, name="working_again"),
    path(REF + "reopen/", incident_page.reopen, name="reopen"),
    path(REF + "message/", incident_page.user_message, name="user_message"),
    path(REF + "photos/", incident_page.attach, name="attach"),
    path(REF + "sheet/", sheet.complete_sheet, name="complete_sheet"),
    path("notifications/", inbox.notification_list, name="notifications"),
    path("notifications/<int:pk>/", inbox.notification_open, name="notification_open"),
    path("notifications/read-all/", inbox.notifications_read_all, name="notifications_read_all"),
    path("knowledge/", knowledge.article_list, name="article_list"),
    path("knowledge/<int:pk>/", knowledge.article_detail, name="article_detail"),
    # --- the service desk (views/desk/, printing.py, exports.py)
    path("desk/", queue.queue, name="desk_queue"),
    path("desk/export.csv", exports.export_csv, name="desk_export"),
    path("desk/bulk/", bulk.bulk, name="desk_bulk"),
    path("desk/print/", printing.print_selection, name="print_selection"),
    path("desk/print/closed/", printing.print_closed, name="print_closed"),
    path("desk/log-call/", triage.log_call, name="desk_log_call"),
    path("desk/mail/", mail.mail_list, name="desk_mail"),
    path("desk/mail/<int:pk>/attach/", mail.mail_attach, name="desk_mail_attach"),
    path("desk/mail/<int:pk>/discard/", mail.mail_discard, name="desk_mail_discard"),
    path("desk/rota/", rota.rota, name="desk_rota"),
    path("desk/rota/<int:pk>/", rota.rota_entry, name="desk_rota_entry"),
    path("desk/rota/<int:pk>/remove/", rota.rota_entry_remove, name="desk_rota_entry_remove"),
    path("desk/rota/changes/", rota.visit_change, name="desk_visit_change"),
    path(
        "desk/rota/changes/<int:pk>/remove/",
        rota.visit_change_remove,
        name="desk_visit_change_remove",
    ),
    path(REF + "return/", triage.return_to_user, name="return_to_user"),
    path(REF + "accept/", triage.accept, name="accept"),
    path(REF + "details/", triage.update_details, name="update_details"),
    path(REF + "ownership/", assignment.take_ownership, name="take_ownership"),
    path(REF + "hand-over/", assignment.hand_over, name="hand_over"),
    path(REF + "technician/", assignment.request_technician, name="request_technician"),
    path(REF + "message-user/", communication.message_user, name="message_user"),
    path(REF + "note/", communication.add_note, name="add_note"),
    path(REF + "knowledge/", triage.link_article, name="link_article"),
    path(REF + "problem/", closure.link_problem, name="link_problem"),
    path(REF + "close/", closure.close, name="close"),
    path(REF + "filed/", closure.mark_filed, name="mark_filed"),
    path(REF + "read/", communication.mark_read, name="mark_read"),
    # --- technicians (views/technician/)
    path("technician/", home.home, name="tech_home"),
    path("technician/visits/", visits.visit_list, name="visit_list"),
    path("technician/visits/print/", visits.visit_print, name="visit_print"),
    path("technician/visits/<slug:school>/<str:day>/", visits.visit_day, name="visit_day"),
    path(
        "technician/visits/<slug:school>/<str:day>/print/",
        visits.visit_day_print,
        name="visit_day_print",
    ),
    path(REF + "take/", actions.take, name="take"),
    path(REF + "start/", actions.start, name="start"),
    path(REF + "hold/", actions.hold, name="hold"),
    path(REF + "diagnostics/", actions.diagnose, name="diagnose"),
    path(REF + "cause/", actions.record_cause, name="record_cause"),
    path(REF + "resolve/", actions.resolve, name="resolve"),
    path(REF + "consult/", consultations.consult, name="consult"),
    path(REF + "escalate/", actions.escalate, name="escalate"),
    path("consultations/", consultations.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", consultations.consultation_detail, name="consultation_detail"),
    # --- problems and equipment (views/problems.py, views/equipment.py)
    path("problems/", problems.problem_list, name="problem_list"),
    path("problems/new/", problems.problem_new, name="problem_new"),
    path("problems/<str:ref>/", problems.problem_detail, name="problem_detail"),
    path("problems/<str:ref>/edit/", problems.problem_edit, name="problem_edit"),
    path("problems/<str:ref>/publish/", problems.problem_publish, name="problem_publish"),
    path("problems/<str:ref>/resolve/", problems.problem_resolve, name="problem_resolve"),
    path(
        "problems/<str:ref>/investigate/",
        problems.problem_change_state,
        {"move": "investigate"},
        name="problem_investigate",
    ),
    path(
        "problems/<str:ref>/close/",
        problems.problem_change_state,
        {"move": "close"},
        name="problem_close",
    ),
    path("equipment/", equipment.equipment_list, name="equipment_list"),
    path("equipment/<int:pk>/", equipment.equipment_detail, name="equipment_detail"),
    # --- reports (views/reports.py)
    path("reports/", reports.dashboard, name="dashboard"),
    path("reports/service/", reports.service_report, name="service_report"),
    path("reports/service.csv", reports.service_report_csv, name="service_report_csv"),
]
