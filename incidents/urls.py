"""Every page and action of the incident side, grouped by who uses it.

Workflow actions are POSTs on the incident's own address (`incidents/INC-000123/close/`).
"""

from django.urls import path

from .views import desk, incident, portal, problems, reports, technician

app_name = "incidents"

REF = "incidents/<str:ref>/"

urlpatterns = [
    # The incident's page, shared by every role (each sees its own part).
    path(REF, incident.detail, name="detail"),
    path(REF + "attachments/<int:pk>/", incident.attachment, name="attachment"),
    path(REF + "print/", desk.print_sheet, name="print"),
    # --- the user's side (views/portal.py)
    path("report/", portal.report, name="report"),
    path("report/help/", portal.report_help, name="report_help"),
    path("report/equipment/", portal.equipment_search, name="equipment_search"),
    path("incidents/", portal.my_incidents, name="my_incidents"),
    path(REF + "sent/", portal.confirmation, name="confirmation"),
    path(REF + "answer/", portal.answer, name="answer"),
    path(REF + "working-again/", portal.working_again, name="working_again"),
    path(REF + "reopen/", portal.reopen, name="reopen"),
    path(REF + "message/", portal.user_message, name="user_message"),
    path(REF + "photos/", portal.attach, name="attach"),
    path("notifications/", portal.notification_list, name="notifications"),
    path("notifications/<int:pk>/", portal.notification_open, name="notification_open"),
    path("notifications/read-all/", portal.notifications_read_all, name="notifications_read_all"),
    path("knowledge/", portal.article_list, name="article_list"),
    path("knowledge/<int:pk>/", portal.article_detail, name="article_detail"),
    # --- the service desk (views/desk.py)
    path("desk/", desk.queue, name="desk_queue"),
    path("desk/export.csv", desk.export_csv, name="desk_export"),
    path("desk/bulk/", desk.bulk, name="desk_bulk"),
    path("desk/print/", desk.print_selection, name="print_selection"),
    path("desk/log-call/", desk.log_call, name="desk_log_call"),
    path(REF + "return/", desk.return_to_user, name="return_to_user"),
    path(REF + "accept/", desk.accept, name="accept"),
    path(REF + "details/", desk.update_details, name="update_details"),
    path(REF + "ownership/", desk.take_ownership, name="take_ownership"),
    path(REF + "hand-over/", desk.hand_over, name="hand_over"),
    path(REF + "technician/", desk.request_technician, name="request_technician"),
    path(REF + "message-user/", desk.message_user, name="message_user"),
    path(REF + "note/", desk.add_note, name="add_note"),
    path(REF + "knowledge/", desk.link_article, name="link_article"),
    path(REF + "problem/", desk.link_problem, name="link_problem"),
    path(REF + "close/", desk.close, name="close"),
    path(REF + "read/", desk.mark_read, name="mark_read"),
    # --- technicians (views/technician.py)
    path("technician/", technician.home, name="tech_home"),
    path("technician/visits/", technician.visit_list, name="visit_list"),
    path("technician/visits/print/", technician.visit_print, name="visit_print"),
    path(REF + "take/", technician.take, name="take"),
    path(REF + "start/", technician.start, name="start"),
    path(REF + "hold/", technician.hold, name="hold"),
    path(REF + "diagnostics/", technician.diagnose, name="diagnose"),
    path(REF + "cause/", technician.record_cause, name="record_cause"),
    path(REF + "resolve/", technician.resolve, name="resolve"),
    path(REF + "consult/", technician.consult, name="consult"),
    path(REF + "escalate/", technician.escalate, name="escalate"),
    path("consultations/", technician.consultation_list, name="consultation_list"),
    path("consultations/<int:pk>/", technician.consultation_detail, name="consultation_detail"),
    # --- problems, knowledge and equipment (views/problems.py)
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
    path("equipment/", problems.equipment_list, name="equipment_list"),
    path("equipment/<int:pk>/", problems.equipment_detail, name="equipment_detail"),
    # --- reports (views/reports.py)
    path("reports/", reports.dashboard, name="dashboard"),
    path("reports/service/", reports.service_report, name="service_report"),
    path("reports/service.csv", reports.service_report_csv, name="service_report_csv"),
]
