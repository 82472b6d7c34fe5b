# Generated from openapi.yaml by openapi-python-client (config: generator/config.yaml). Do not edit: run `make generate`.
"""Contains all the data models used in inputs/outputs"""

from .baseline_solution import BaselineSolution
from .error import Error
from .field_spec import FieldSpec
from .field_specs import FieldSpecs
from .field_validation_error import FieldValidationError
from .input_values import InputValues
from .item_validation_errors import ItemValidationErrors
from .known_solution import KnownSolution
from .localization_config import LocalizationConfig
from .localization_config_additional_languages_item import LocalizationConfigAdditionalLanguagesItem
from .operation import Operation
from .operation_details import OperationDetails
from .operation_log_item import OperationLogItem
from .operation_log_item_input import OperationLogItemInput
from .operation_log_item_output import OperationLogItemOutput
from .operation_parameters import OperationParameters
from .operation_status import OperationStatus
from .output_values import OutputValues
from .owner import Owner
from .pool import Pool
from .pool_defaults import PoolDefaults
from .pool_status import PoolStatus
from .project import Project
from .task import Task
from .task_batch_create_result import TaskBatchCreateResult
from .task_batch_create_result_items import TaskBatchCreateResultItems
from .task_batch_create_result_validation_errors import TaskBatchCreateResultValidationErrors
from .task_create import TaskCreate
from .task_list import TaskList
from .task_spec import TaskSpec
from .task_suite import TaskSuite
from .task_suite_batch_create_result import TaskSuiteBatchCreateResult
from .task_suite_batch_create_result_items import TaskSuiteBatchCreateResultItems
from .task_suite_batch_create_result_validation_errors import TaskSuiteBatchCreateResultValidationErrors
from .task_suite_create import TaskSuiteCreate
from .task_suite_list import TaskSuiteList
from .task_suite_task import TaskSuiteTask
from .task_suite_task_create import TaskSuiteTaskCreate

__all__ = (
    "BaselineSolution",
    "Error",
    "FieldSpec",
    "FieldSpecs",
    "FieldValidationError",
    "InputValues",
    "ItemValidationErrors",
    "KnownSolution",
    "LocalizationConfig",
    "LocalizationConfigAdditionalLanguagesItem",
    "Operation",
    "OperationDetails",
    "OperationLogItem",
    "OperationLogItemInput",
    "OperationLogItemOutput",
    "OperationParameters",
    "OperationStatus",
    "OutputValues",
    "Owner",
    "Pool",
    "PoolDefaults",
    "PoolStatus",
    "Project",
    "Task",
    "TaskBatchCreateResult",
    "TaskBatchCreateResultItems",
    "TaskBatchCreateResultValidationErrors",
    "TaskCreate",
    "TaskList",
    "TaskSpec",
    "TaskSuite",
    "TaskSuiteBatchCreateResult",
    "TaskSuiteBatchCreateResultItems",
    "TaskSuiteBatchCreateResultValidationErrors",
    "TaskSuiteCreate",
    "TaskSuiteList",
    "TaskSuiteTask",
    "TaskSuiteTaskCreate",
)
